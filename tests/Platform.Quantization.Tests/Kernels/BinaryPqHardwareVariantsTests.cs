using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Platform.Quantization.Tests.Kernels;

/// <summary>
/// The binary and PQ kernel tests once more in child processes started with AVX-512 off (the Vector256 / Avx2 paths)
/// and DOTNET_EnableHWIntrinsic=0 (the scalar paths): the JIT reads these switches at start-up only. .NET 10 ignores
/// DOTNET_EnableAVX512F=0 (measured: Avx512F.IsSupported stays true); its switch is DOTNET_EnableAVX512=0, so both are set.
/// </summary>
public class BinaryPqHardwareVariantsTests
{
    private const string Filter = "FullyQualifiedName~Kernels.BinaryGemmTests|FullyQualifiedName~Kernels.PqGemmTests|FullyQualifiedName~Kernels.BinaryPqHardwareVariantsTests.The_switches_took_effect";

    [Theory]
    [InlineData("DOTNET_EnableAVX512F DOTNET_EnableAVX512")]
    [InlineData("DOTNET_EnableHWIntrinsic")]
    public async Task Kernel_tests_pass_with_the_switch_off(string variables)
    {
        var names = variables.Split(' ');
        string variable = string.Join("=0 ", names);
        if (names.Any(v => Environment.GetEnvironmentVariable(v) is not null)) return;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "test", typeof(BinaryPqHardwareVariantsTests).Assembly.Location, "--filter", Filter }) start.ArgumentList.Add(arg);
        foreach (var name in names) start.Environment[name] = "0";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10)))
            await process.WaitForExitAsync(timeout.Token);
        string all = output + await stderr;
        Assert.True(process.ExitCode == 0, $"{variable}=0: the binary/PQ kernel tests failed:\n{Tail(all)}");
        var passed = System.Text.RegularExpressions.Regex.Match(all, @"Passed:\s+(\d+)");
        Assert.True(passed.Success && int.Parse(passed.Groups[1].Value) > 100, $"{variable}=0: too few tests ran:\n{Tail(all)}");
    }

    /// <summary>Meaningful in the children: proves the switch reached the JIT, so the other paths did run.</summary>
    [Fact]
    public void The_switches_took_effect()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") == "0")
        {
            Assert.False(Avx512F.IsSupported);
            Assert.False(Vector512.IsHardwareAccelerated);
        }
        if (Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") == "0")
        {
            Assert.False(Avx2.IsSupported);
            Assert.False(Vector256.IsHardwareAccelerated);
        }
    }

    private static string Tail(string s) => s.Length > 4000 ? s[^4000..] : s;
}

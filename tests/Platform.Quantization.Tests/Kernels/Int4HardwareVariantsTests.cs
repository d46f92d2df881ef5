using System.Diagnostics;

namespace Platform.Quantization.Tests.Kernels;

/// <summary>
/// Runs <see cref="Int4GemmTests"/> and <see cref="HalfGemmTests"/> again in a child test process without AVX-512
/// (the Vector256 and AVX-VNNI paths) and without any hardware intrinsics (the scalar paths), since the runtime picks
/// paths once per process.
/// </summary>
public class Int4HardwareVariantsTests
{
    [Theory]
    // .NET 10 ignores DOTNET_EnableAVX512F=0 on its own (Vector512 stays accelerated): DOTNET_EnableAVX512=0 turns AVX-512 off.
    [InlineData("DOTNET_EnableAVX512F DOTNET_EnableAVX512")]
    [InlineData("DOTNET_EnableHWIntrinsic")]
    public async Task Kernel_tests_pass_with_hardware_disabled(string variables)
    {
        // A child already runs with a variable set: it must not start children of its own.
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") == "0" || Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") == "0") return;
        var project = Path.Combine(TestPaths.RepoRoot, "tests", "Platform.Quantization.Tests", "Platform.Quantization.Tests.csproj");
        var configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        var psi = new ProcessStartInfo("dotnet",
            ["test", project, "-c", configuration, "--no-build", "--no-restore", "--filter",
             "FullyQualifiedName~Kernels.Int4GemmTests|FullyQualifiedName~Kernels.HalfGemmTests"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var variable in variables.Split(' ')) psi.Environment[variable] = "0";
        using var p = Process.Start(psi)!;
        var stderrTask = p.StandardError.ReadToEndAsync();
        string output = await p.StandardOutput.ReadToEndAsync();
        string stderr = await stderrTask;
        await p.WaitForExitAsync();
        string tail = output.Length > 4000 ? output[^4000..] : output;
        Assert.True(p.ExitCode == 0, $"{variables} = 0: the kernel tests failed (exit {p.ExitCode}):\n{tail}\n{stderr}");
        Assert.Contains("Passed!", output);
    }
}

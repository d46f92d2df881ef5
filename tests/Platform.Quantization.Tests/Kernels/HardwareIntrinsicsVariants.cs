using System.Diagnostics;

namespace Platform.Quantization.Tests.Kernels;

/// <summary>
/// Re-runs a filtered set of this assembly's tests in a child <c>dotnet test</c> with runtime knobs set
/// (DOTNET_EnableHWIntrinsic=0, DOTNET_EnableAVX512=0, DOTNET_EnableAVXVNNI=0, ...), so every vector path a kernel
/// chooses by capability runs against its reference on this machine. Note: in .NET 10 the knob for AVX-512 is
/// DOTNET_EnableAVX512; DOTNET_EnableAVX512F=0 is accepted but changes nothing (checked: Vector512 stays accelerated).
/// </summary>
public static class HardwareIntrinsicsVariants
{
    /// <summary>Set in the child, so variant tests there return at once instead of recursing.</summary>
    public const string ChildMarker = "PLATFORM_TESTS_INTRINSICS_VARIANT";

    public static bool InChild => Environment.GetEnvironmentVariable(ChildMarker) == "1";

    /// <summary>
    /// Runs the tests matching <paramref name="filter"/> with <paramref name="knobs"/> ("Name=Value;Name=Value") and asserts
    /// they all passed, and that more than <paramref name="atLeast"/> − 1 ran.
    /// </summary>
    public static void Run(string filter, string knobs, TimeSpan? timeout = null, int atLeast = 1)
    {
        var dll = typeof(HardwareIntrinsicsVariants).Assembly.Location;
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "test", dll, "--filter", filter, "--logger", "console;verbosity=minimal" }) psi.ArgumentList.Add(a);
        psi.Environment[ChildMarker] = "1";
        foreach (var kv in knobs.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = kv.Split('=', 2);
            psi.Environment[parts[0]] = parts[1];
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"tests under {knobs} did not finish in time");
        }
        string output = stdout.Result + stderr.Result;
        Assert.True(p.ExitCode == 0, $"tests under {knobs} failed (exit {p.ExitCode}):\n{Tail(output)}");
        var passed = System.Text.RegularExpressions.Regex.Match(output, @"Passed:\s+(\d+)");
        Assert.True(passed.Success && int.Parse(passed.Groups[1].Value) >= atLeast, $"fewer than {atLeast} tests ran under {knobs}:\n{Tail(output)}");
    }

    private static string Tail(string s) => s.Length > 4000 ? s[^4000..] : s;
}

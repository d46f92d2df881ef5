using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Platform.Cli.Bench;

/// <summary>What a bench ran on: figures from two machines are not comparable, so every run says.</summary>
public sealed record BenchMachine(string Cpu, string[] Isa, int Cores, string Runtime, string OnnxRuntime)
{
    public static BenchMachine Current()
    {
        string cpu = "unknown CPU";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        var isa = new List<string>();
        if (Vector512.IsHardwareAccelerated) isa.Add("Vector512");
        if (Avx512BW.IsSupported) isa.Add("Avx512BW");
        if (AvxVnni.IsSupported) isa.Add("AvxVnni");
        if (Fma.IsSupported) isa.Add("Fma");
        if (Avx2.IsSupported) isa.Add("Avx2");
        if (Popcnt.X64.IsSupported) isa.Add("Popcnt");
        var ort = typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version?.ToString() ?? "?";
        return new BenchMachine(cpu, [.. isa], Environment.ProcessorCount, System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription, ort);
    }
}

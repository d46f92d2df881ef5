using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text.Json;

namespace Platform.Worker.Devices;

/// <summary>What a CPU worker offers: the model name (recorded on every variant it measures), cores and the ISA the kernels use.</summary>
public sealed record CpuCapabilities(string Model, int Cores, string Architecture, IReadOnlyList<string> Isa)
{
    public static CpuCapabilities Detect() =>
        new(ReadModelName(), Environment.ProcessorCount, RuntimeInformation.ProcessArchitecture.ToString(), SupportedIsa());

    public string ToJson() => JsonSerializer.Serialize(new
    {
        kind = "cpu",
        model = Model,
        cores = Cores,
        architecture = Architecture,
        isa = Isa,
    });

    private static string ReadModelName()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                // "model name" on x86, "Model" or "CPU part" elsewhere: the first that names the part wins.
                int colon = line.IndexOf(':');
                if (colon < 0) continue;
                var key = line[..colon].Trim();
                if (key is "model name" or "Model" or "Processor") return line[(colon + 1)..].Trim();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No procfs (not Linux, or a sandbox): the architecture is all we can say.
        }
        return RuntimeInformation.ProcessArchitecture + " CPU";
    }

    private static List<string> SupportedIsa()
    {
        var isa = new List<string>();
        void Add(string name, bool supported) { if (supported) isa.Add(name); }
        Add("Sse42", Sse42.IsSupported);
        Add("Avx", Avx.IsSupported);
        Add("Avx2", Avx2.IsSupported);
        Add("Fma", Fma.IsSupported);
        Add("Popcnt", Popcnt.IsSupported);
        Add("AvxVnni", AvxVnni.IsSupported);
        Add("Avx512F", Avx512F.IsSupported);
        Add("Avx512BW", Avx512BW.IsSupported);
        Add("Avx512CD", Avx512CD.IsSupported);
        Add("Avx512DQ", Avx512DQ.IsSupported);
        Add("Avx512Vbmi", Avx512Vbmi.IsSupported);
        Add("Vector512", Vector512.IsHardwareAccelerated);
        Add("AdvSimd", System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported);
        return isa;
    }
}

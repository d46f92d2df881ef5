using Platform.Quantization.Evaluation;

namespace Platform.Cli;

/// <summary>`qplat data import-idx --images F --labels F --out F.npz [--offset K] [--count N]`.</summary>
public static class DataCommand
{
    public static int ImportIdx(CliArguments a, TextWriter stdout, TextWriter stderr)
    {
        a.RejectUnknown("images", "labels", "out", "offset", "count", "json");
        int? count = a.Option("count") is null ? null : a.Int("count", 0);
        int n = IdxImporter.Import(a.Required("images"), a.Required("labels"), a.Required("out"), a.Int("offset", 0), count);
        if (a.Flag("json")) CliJson.Write(stdout, new { @out = a.Required("out"), samples = n });
        else stdout.WriteLine($"wrote {n} samples to {a.Required("out")}");
        return ExitCodes.Ok;
    }
}

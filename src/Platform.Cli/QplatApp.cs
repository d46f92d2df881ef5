using Platform.Quantization.Evaluation;
using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Cli;

/// <summary>`qplat`: local, in-process use of the engine. Exit codes: 0 ok, 2 bad input, 1 internal error.</summary>
public static class QplatApp
{
    private const string Usage = """
        usage:
          qplat inspect MODEL [--json]
          qplat eval MODEL --data DATA.npz [--batch N] [--threads N] [--json]
          qplat quantize MODEL --calib DATA.npz --eval DATA.npz --spec PRESET|FILE.json [--out DIR [--export onnx|packed]]
                         [--calib-count N] [--eval-count N] [--percentile P] [--bins N]
                         [--batch N] [--threads N] [--seed N] [--json]
          qplat bench [--quick] [--json] [--threads 1,2] [--models DIR] [--only kernels|models]
          qplat data import-idx --images FILE --labels FILE --out FILE.npz [--offset K] [--count N]
        """;

    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Length == 0 ? stderr : stdout).WriteLine(Usage);
            return args.Length == 0 ? ExitCodes.BadInput : ExitCodes.Ok;
        }
        var flags = new HashSet<string>(["json", "quick"], StringComparer.Ordinal);
        try
        {
            return args[0] switch
            {
                "inspect" => InspectCommand.Run(CliArguments.Parse(args.Skip(1), flags), stdout, stderr),
                "eval" => EvalCommand.Run(CliArguments.Parse(args.Skip(1), flags), stdout, stderr),
                "quantize" => QuantizeCommand.Run(CliArguments.Parse(args.Skip(1), flags), stdout, stderr),
                "bench" => Bench.BenchCommand.Run(CliArguments.Parse(args.Skip(1), flags), stdout, stderr),
                "data" when args.Length > 1 && args[1] == "import-idx" => DataCommand.ImportIdx(CliArguments.Parse(args.Skip(2), flags), stdout, stderr),
                _ => throw new CliException($"Unknown command '{string.Join(' ', args.Take(2))}'.\n{Usage}"),
            };
        }
        catch (Exception e) when (IsBadInput(e))
        {
            stderr.WriteLine("error: " + e.Message);
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("cancelled");
            return ExitCodes.InternalError;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"internal error: {e}");
            return ExitCodes.InternalError;
        }
    }

    internal static bool IsBadInput(Exception e) => e is CliException or InvalidModelException or UnsupportedOperatorException
        or FileNotFoundException or DirectoryNotFoundException or ShapeMismatchException or ModelExecutionException
        or InvalidDataSetException or FormatException;
}

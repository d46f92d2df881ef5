using Platform.Quantization.Inspection;
using Platform.Quantization.Onnx;

namespace Platform.Cli;

/// <summary>`qplat inspect MODEL [--json]`: inputs, outputs, operators, layers, unsupported operators.</summary>
public static class InspectCommand
{
    public static int Run(CliArguments a, TextWriter stdout, TextWriter stderr)
    {
        a.RejectUnknown("json");
        if (a.Positional.Count != 1) throw new CliException("usage: qplat inspect MODEL [--json]");
        var model = OnnxModelReader.Read(a.Positional[0]);
        var s = ModelInspector.Inspect(model);
        if (a.Flag("json")) CliJson.Write(stdout, s);
        else
        {
            stdout.WriteLine($"opset {s.Opset}, {s.Parameters:N0} parameters");
            foreach (var i in s.Inputs) stdout.WriteLine($"input  {i.Name}: {i.ElementType}[{string.Join(',', i.Shape ?? [])}]");
            foreach (var o in s.Outputs) stdout.WriteLine($"output {o.Name}: {o.ElementType}[{string.Join(',', o.Shape ?? [])}]");
            stdout.WriteLine("operators: " + string.Join(", ", s.Operators.Select(kv => $"{kv.Key}×{kv.Value}")));
            stdout.WriteLine($"{s.Layers.Count} layers:");
            foreach (var l in s.Layers) stdout.WriteLine($"  {l.Name,-40} {l.Op,-14} [{string.Join(',', l.WeightShape)}] {l.Parameters:N0}");
        }
        if (s.UnsupportedOperators.Count > 0)
        {
            stderr.WriteLine($"error: '{a.Positional[0]}' uses operators the engine does not implement: " +
                string.Join(", ", s.UnsupportedOperators.Select(kv => $"{kv.Key} ({kv.Value})")));
            return ExitCodes.BadInput;
        }
        return ExitCodes.Ok;
    }
}

using System.Reflection;

namespace Platform.Quantization.Runtime;

/// <summary>The built-in operator kernels, discovered once from <see cref="OnnxOperatorAttribute"/>s of this assembly.</summary>
public static class OperatorRegistry
{
    private static readonly Lazy<Dictionary<(string Domain, string OpType), IOperatorKernel>> Kernels = new(Discover);

    public static bool TryGet(string domain, string opType, out IOperatorKernel kernel) =>
        Kernels.Value.TryGetValue((NormalizeDomain(domain), opType), out kernel!);

    public static bool IsSupported(string domain, string opType) => Kernels.Value.ContainsKey((NormalizeDomain(domain), opType));

    /// <summary>Operator types of the default domain we implement.</summary>
    public static IReadOnlyCollection<string> SupportedOperators =>
        Kernels.Value.Keys.Where(k => k.Domain.Length == 0).Select(k => k.OpType).OrderBy(s => s, StringComparer.Ordinal).ToArray();

    public static string NormalizeDomain(string domain) => domain == "ai.onnx" ? "" : domain;

    private static Dictionary<(string, string), IOperatorKernel> Discover()
    {
        var d = new Dictionary<(string, string), IOperatorKernel>();
        foreach (var type in typeof(OperatorRegistry).Assembly.GetTypes())
        {
            var attrs = type.GetCustomAttributes<OnnxOperatorAttribute>().ToArray();
            if (attrs.Length == 0) continue;
            if (!typeof(IOperatorKernel).IsAssignableFrom(type) || type.IsAbstract)
                throw new InvalidOperationException($"{type.Name} is marked [OnnxOperator] but is not a concrete IOperatorKernel.");
            var kernel = (IOperatorKernel)Activator.CreateInstance(type, nonPublic: true)!;
            foreach (var a in attrs)
                if (!d.TryAdd((NormalizeDomain(a.Domain), a.OpType), kernel))
                    throw new InvalidOperationException($"Operator {a.OpType} is implemented twice ({type.Name} and {d[(NormalizeDomain(a.Domain), a.OpType)].GetType().Name}).");
        }
        return d;
    }
}

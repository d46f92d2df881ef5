using System.Runtime.CompilerServices;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// Packed forms of weight tensors, keyed by the tensor object (initializers live as long as the
/// model, so each is packed once). Relies on the runtime's rule that tensor data is never modified
/// after it is produced. For operands that may be activations (MatMul's B), a tensor is packed only
/// the second time it is seen, so fresh activations never pay for a packed copy.
/// </summary>
public static class PackedWeightCache
{
    private sealed class Entry(object key, object value)
    {
        public object Key { get; } = key;
        public object Value { get; } = value;
    }

    private static readonly ConditionalWeakTable<Tensor, Entry> Packed = new();
    private static readonly ConditionalWeakTable<Tensor, object> Seen = new();
    private static readonly object SeenMarker = new();

    /// <summary>Conv weights [M, C/group, k...] as one left operand per group: [M/group, C/group·∏k].</summary>
    public static PackedMatrix[] ConvWeights(Tensor weights, int groups)
    {
        var key = ("conv", groups);
        if (Packed.TryGetValue(weights, out var e) && e.Key.Equals(key)) return (PackedMatrix[])e.Value;
        int mg = weights.Shape[0] / groups;
        int kg = mg == 0 ? 0 : (int)(weights.Length / weights.Shape[0]);
        var w = weights.Floats;
        var packs = new PackedMatrix[groups];
        for (int g = 0; g < groups; g++)
            packs[g] = PackedMatrix.PackLeft(w.AsSpan(g * mg * kg, mg * kg), mg, kg, Math.Max(1, kg));
        Packed.AddOrUpdate(weights, new Entry(key, packs));
        return packs;
    }

    /// <summary>
    /// A right operand B (K×N, or N×K when <paramref name="transpose"/>) packed once it has been seen twice; null
    /// the first time (the caller packs on the fly).
    /// </summary>
    public static PackedMatrix? RightOperand(Tensor b, int offset, int k, int n, bool transpose)
    {
        var key = ("right", offset, k, n, transpose);
        if (Packed.TryGetValue(b, out var e) && e.Key.Equals(key)) return (PackedMatrix)e.Value;
        if (!Seen.TryGetValue(b, out _))
        {
            Seen.AddOrUpdate(b, SeenMarker);
            return null;
        }
        var packed = PackedMatrix.PackRight(b.Floats.AsSpan(offset, k * n), k, n, Math.Max(1, transpose ? k : n), transpose);
        Packed.AddOrUpdate(b, new Entry(key, packed));
        return packed;
    }
}

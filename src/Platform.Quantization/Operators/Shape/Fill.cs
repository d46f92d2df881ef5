namespace Platform.Quantization.Operators.Shape;

/// <summary>Fills element ranges with one value taken from a one-element array of the same type.</summary>
internal static class Fill
{
    public static void Run(Array dst, Array scalar) => Run(dst, scalar, 0, dst.Length);

    public static void Run(Array dst, Array scalar, int start, int count)
    {
        if (count <= 0) return;
        var action = new FillAction { Dst = dst, Scalar = scalar, Start = start, Count = count };
        Elements.Dispatch(Tensors.Tensor.DataTypeOf(dst.GetType().GetElementType()!), ref action);
    }

    private struct FillAction : IElementAction
    {
        public Array Dst, Scalar;
        public int Start, Count;

        public void Invoke<T>() => Elements.Span<T>(Dst).Slice(Start, Count).Fill(Elements.Span<T>(Scalar)[0]);
    }
}

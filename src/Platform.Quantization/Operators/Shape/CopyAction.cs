namespace Platform.Quantization.Operators.Shape;

/// <summary>A <see cref="StridedCopy"/> from one element array to another, for any element type.</summary>
internal struct CopyAction : IElementAction
{
    public Array Src, Dst;
    public int SrcStart, DstStart, Inner;
    public int[] Dims, SrcStrides, DstStrides;

    public readonly void Invoke<T>() =>
        StridedCopy.Run<T>(Elements.Span<T>(Src), SrcStart, SrcStrides, Elements.Span<T>(Dst), DstStart, DstStrides, Dims, Inner);
}

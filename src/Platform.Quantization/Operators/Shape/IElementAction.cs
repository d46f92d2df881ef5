namespace Platform.Quantization.Operators.Shape;

/// <summary>
/// Work done over tensor elements of one width. <see cref="Elements.Dispatch{TAction}"/> calls
/// <see cref="Invoke{T}"/> with T = byte, ushort, uint, ulong (any unmanaged element of that size,
/// reinterpreted) or string, so data-moving operators compile five times, not fourteen.
/// </summary>
internal interface IElementAction
{
    void Invoke<T>();
}

using Platform.Quantization.Tensors;

namespace Platform.Quantization.Evaluation;

/// <summary>One array of a data set as its header describes it; no data is read to list it.</summary>
public sealed record NpzArrayInfo(string Name, NpyHeader Header)
{
    public string Descr => Header.Descr;

    /// <summary>The stored tensor type; Undefined for a dtype we do not read (reading it then names the dtype).</summary>
    public DataType DataType => Header.DataType;

    public IReadOnlyList<int> Shape => Header.Shape;

    /// <summary>First dim (the sample dim).</summary>
    public long Samples => Header.Samples;

    public override string ToString() => $"{Name}: {Descr} {TensorShape.Format(Header.Shape)}";
}

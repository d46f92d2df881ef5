using Platform.Quantization.Tensors;

namespace Platform.Quantization.Evaluation;

/// <summary>
/// The parsed header of one .npy array. <see cref="DataType"/> is <see cref="DataType.Undefined"/> when the
/// descr is one we do not read (big-endian, structured, strings...): the header still parses so that a data set
/// can be listed, and the error comes when the array is used (<see cref="NpyFormat.EnsureReadable"/>).
/// </summary>
/// <param name="Version">Format version: 1, 2 or 3 (the major number; all files have minor 0).</param>
/// <param name="Descr">The dtype string as stored, e.g. "&lt;f4".</param>
/// <param name="DataType">The tensor type the descr maps to, or Undefined.</param>
/// <param name="FortranOrder">True for column-major data, which we refuse to read.</param>
/// <param name="Shape">The dims as stored; each fits an int.</param>
/// <param name="DataOffset">Bytes from the start of the .npy to its first data byte.</param>
public sealed record NpyHeader(int Version, string Descr, DataType DataType, bool FortranOrder, int[] Shape, int DataOffset)
{
    /// <summary>Bytes per element (0 when the descr is not readable).</summary>
    public int ItemSize => DataType == DataType.Undefined ? 0 : Tensor.ElementSize(DataType);

    /// <summary>First dim: the sample count of a data set array (1 for a 0-d array).</summary>
    public long Samples => Shape.Length == 0 ? 1 : Shape[0];

    /// <summary>Elements of one sample (product of all dims but the first).</summary>
    public long SampleElements
    {
        get
        {
            long n = 1;
            for (int i = 1; i < Shape.Length; i++) n = checked(n * Shape[i]);
            return n;
        }
    }

    /// <summary>Total bytes of the data after the header; checked so that absurd shapes fail rather than wrap.</summary>
    public long DataBytes
    {
        get
        {
            long n = ItemSize;
            foreach (var d in Shape) n = checked(n * d);
            return n;
        }
    }
}

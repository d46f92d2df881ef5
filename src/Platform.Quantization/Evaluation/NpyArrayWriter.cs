using System.Runtime.InteropServices;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Evaluation;

/// <summary>
/// Writes one .npy array a batch of samples at a time: the header (whose shape, sample count included, must be known
/// up front, since zip entry streams cannot seek back) then the samples as they come. Call <see cref="Complete"/>
/// when done: it checks that every declared sample was written. Disposing without completing closes the stream and
/// leaves a short array, which readers reject as truncated.
/// </summary>
public sealed class NpyArrayWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly int[] _shape;
    private readonly long _sampleElements;
    private bool _closed;

    /// <summary>Writes the header to <paramref name="stream"/>; shape[0] is the number of samples to come.</summary>
    public NpyArrayWriter(Stream stream, string name, DataType type, ReadOnlySpan<int> shape, int version = 0, bool ownsStream = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (shape.Length == 0) throw new ArgumentException($"Array '{name}' needs a sample dim to be written in batches; write a 0-d array whole.", nameof(shape));
        TensorShape.ElementCount(shape[1..]);
        NpyFormat.WriteHeader(stream, type, shape, version);
        _stream = stream;
        _ownsStream = ownsStream;
        Name = name;
        Type = type;
        _shape = shape.ToArray();
        _sampleElements = TensorShape.ElementCount(shape[1..]);
    }

    public string Name { get; }
    public DataType Type { get; }
    public IReadOnlyList<int> Shape => _shape;
    public int Samples => _shape[0];
    public int Written { get; private set; }

    internal bool IsClosed => _closed;

    /// <summary>Appends a batch shaped [k, ...rest] of the array's type.</summary>
    public void Append(Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Type != Type)
            throw new ArgumentException($"Array '{Name}' holds {Type} but the batch is {batch.Type}.", nameof(batch));
        if (batch.Rank != _shape.Length || !batch.Shape.AsSpan(1).SequenceEqual(_shape.AsSpan(1)))
            throw new ShapeMismatchException($"Array '{Name}' has samples shaped {TensorShape.Format(_shape.AsSpan(1))} but the batch is {TensorShape.Format(batch.Shape)}.");
        Advance(batch.Shape[0]);
        NpyFormat.WriteElements(_stream, batch);
    }

    /// <summary>Appends whole samples given as a flat span of elements of the array's type.</summary>
    public void Append<T>(ReadOnlySpan<T> elements) where T : unmanaged
    {
        if (Tensor.DataTypeOf<T>() != Type)
            throw new ArgumentException($"Array '{Name}' holds {Type} but the elements are {typeof(T).Name}.", nameof(elements));
        if (_sampleElements == 0 ? elements.Length != 0 : elements.Length % _sampleElements != 0)
            throw new ArgumentException($"Array '{Name}' has {_sampleElements} elements per sample; {elements.Length} is not a whole number of samples.", nameof(elements));
        Advance(_sampleElements == 0 ? 0 : (int)(elements.Length / _sampleElements));
        _stream.Write(MemoryMarshal.AsBytes(elements));
    }

    /// <summary>Checks that every declared sample was written and closes the array.</summary>
    public void Complete()
    {
        if (_closed) return;
        if (Written != Samples)
            throw new InvalidOperationException($"Array '{Name}' was declared with {Samples} samples but {Written} were written.");
        Close();
    }

    public void Dispose() => Close();

    private void Advance(int samples)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if ((long)Written + samples > Samples)
            throw new InvalidOperationException($"Array '{Name}' was declared with {Samples} samples; appending {samples} after {Written} is too many.");
        Written += samples;
    }

    private void Close()
    {
        if (_closed) return;
        _closed = true;
        if (_ownsStream) _stream.Dispose();
        else _stream.Flush();
    }
}

using System.IO.Compression;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Evaluation;

/// <summary>
/// Writes a .npz (a zip of .npy entries, as numpy.savez / savez_compressed) one array at a time, each streamed in
/// batches through <see cref="BeginArray"/>, so converting a large data set never holds it in memory.
/// A zip being created accepts one open entry at a time: complete an array before beginning the next.
/// </summary>
public sealed class NpzWriter : IDisposable
{
    private readonly ZipArchive _zip;
    private readonly CompressionLevel _level;
    private readonly HashSet<string> _names = [];
    private NpyArrayWriter? _current;

    /// <param name="compress">Deflate entries (savez_compressed) instead of storing them (savez).</param>
    public NpzWriter(Stream stream, bool compress = false, bool leaveOpen = false)
    {
        _zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen);
        _level = compress ? CompressionLevel.Optimal : CompressionLevel.NoCompression;
    }

    public static NpzWriter Create(string path, bool compress = false) =>
        new(new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16), compress);

    /// <summary>Starts array <paramref name="name"/> (entry "name.npy"); shape[0] is the number of samples to append.</summary>
    public NpyArrayWriter BeginArray(string name, DataType type, ReadOnlySpan<int> shape, int version = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_current is { IsClosed: false } open)
            throw new InvalidOperationException($"Array '{open.Name}' is still being written; complete it before beginning '{name}'.");
        if (!_names.Add(name)) throw new ArgumentException($"The .npz already has an array named '{name}'.", nameof(name));
        var entry = _zip.CreateEntry(name + ".npy", _level);
        _current = new NpyArrayWriter(entry.Open(), name, type, shape, version, ownsStream: true);
        return _current;
    }

    /// <summary>Writes a whole tensor as one array (any rank, 0-d included).</summary>
    public void WriteArray(string name, Tensor tensor, int version = 0)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank == 0)
        {
            if (!_names.Add(name)) throw new ArgumentException($"The .npz already has an array named '{name}'.", nameof(name));
            using var s = _zip.CreateEntry(name + ".npy", _level).Open();
            NpyFormat.Write(s, tensor, version);
            return;
        }
        using var w = BeginArray(name, tensor.Type, tensor.Shape, version);
        w.Append(tensor);
        w.Complete();
    }

    public void Dispose()
    {
        _current?.Dispose();
        _zip.Dispose();
    }
}

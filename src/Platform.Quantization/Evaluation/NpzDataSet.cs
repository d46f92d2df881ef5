using System.IO.Compression;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Evaluation;

/// <summary>
/// A data set stored as .npz (numpy.savez or savez_compressed: a zip of .npy entries, stored or deflated), read in
/// batches of samples without loading whole arrays: each array's entry is opened, its header parsed, and then
/// batchSize·rowBytes are read at a time. The first dim of every array is the sample dim.
/// Conventions: inputs are named after the model's inputs (or <see cref="InputName"/> for a single-input model),
/// labels are <see cref="LabelName"/> (int64 or int32).
/// Not thread-safe: the entries share one file stream; use one data set per thread.
/// </summary>
public sealed class NpzDataSet : IDisposable
{
    public const string InputName = "x";
    public const string LabelName = "y";

    private readonly ZipArchive _zip;
    private readonly Dictionary<string, (NpzArrayInfo Info, ZipArchiveEntry Entry)> _arrays;

    private NpzDataSet(string name, ZipArchive zip, Dictionary<string, (NpzArrayInfo, ZipArchiveEntry)> arrays)
    {
        Name = name;
        _zip = zip;
        _arrays = arrays;
        Arrays = arrays.Values.Select(a => a.Item1).ToArray();
    }

    /// <summary>The file name, as errors name it.</summary>
    public string Name { get; }

    /// <summary>Every .npy entry, in zip order (entries that are not .npy are ignored, as numpy.load lists them apart).</summary>
    public IReadOnlyList<NpzArrayInfo> Arrays { get; }

    public bool Contains(string arrayName) => _arrays.ContainsKey(arrayName);

    public NpzArrayInfo GetArray(string arrayName) => _arrays.TryGetValue(arrayName, out var a)
        ? a.Info
        : throw new InvalidDataSetException($"Data set '{Name}' has no array '{arrayName}'; it has {string.Join(", ", _arrays.Keys.Select(k => $"'{k}'"))}.");

    /// <summary>Whether the data set carries labels (<see cref="LabelName"/>).</summary>
    public bool HasLabels => Contains(LabelName);

    /// <summary>The sample count all arrays share; throws, naming the arrays and counts, when they disagree.</summary>
    public int Samples => SampleCount(_arrays.Keys.ToArray());

    public static NpzDataSet Open(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (FileNotFoundException e)
        {
            throw new InvalidDataSetException($"Data set file '{path}' does not exist.", e);
        }
        return Open(stream, Path.GetFileName(path), leaveOpen: false);
    }

    /// <summary>
    /// Opens a seekable stream holding a .npz; <paramref name="name"/> is how errors name it. A non-seekable stream is
    /// refused: the zip reader would silently copy all of it into memory to find the central directory.
    /// </summary>
    public static NpzDataSet Open(Stream stream, string name, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
            throw new ArgumentException($"Data set '{name}' must be read from a seekable stream (a file); copy it to a temporary file first.", nameof(stream));
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen);
        }
        catch (InvalidDataException e)
        {
            if (!leaveOpen) stream.Dispose();
            throw new InvalidDataSetException($"Data set '{name}' is not a readable .npz (zip) file: {e.Message}", e);
        }
        try
        {
            var arrays = new Dictionary<string, (NpzArrayInfo, ZipArchiveEntry)>();
            foreach (var entry in zip.Entries)
            {
                if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal)) continue;
                string arrayName = entry.FullName[..^4];
                string label = $"'{arrayName}' in '{name}'";
                NpyHeader header;
                using (var s = OpenEntry(entry, label))
                    header = NpyFormat.ReadHeader(s, label);
                if (header.ItemSize > 0)
                {
                    long expected = header.DataOffset + header.DataBytes;
                    if (entry.Length != expected)
                        throw new InvalidDataSetException(
                            $"Array {label} has shape {TensorShape.Format(header.Shape)} of '{header.Descr}', which needs {expected} bytes, " +
                            $"but its entry holds {entry.Length}: the file is {(entry.Length < expected ? "truncated" : "corrupt")}.");
                }
                arrays[arrayName] = (new NpzArrayInfo(arrayName, header), entry);
            }
            return new NpzDataSet(name, zip, arrays);
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Which array feeds each model input: the array named after the input, or <see cref="InputName"/> ("x") for a
    /// single-input model without such an array. Throws naming the inputs left unfed and the arrays present.
    /// </summary>
    public IReadOnlyDictionary<string, string> MapInputs(IReadOnlyList<string> modelInputs)
    {
        ArgumentNullException.ThrowIfNull(modelInputs);
        var map = new Dictionary<string, string>();
        foreach (var input in modelInputs)
        {
            if (Contains(input)) map[input] = input;
            else if (modelInputs.Count == 1 && Contains(InputName)) map[input] = InputName;
        }
        var missing = modelInputs.Where(i => !map.ContainsKey(i)).ToArray();
        if (missing.Length > 0)
            throw new InvalidDataSetException(
                $"Data set '{Name}' has no array for model input{(missing.Length > 1 ? "s" : "")} {string.Join(", ", missing.Select(m => $"'{m}'"))}; " +
                $"it has {string.Join(", ", _arrays.Keys.Select(k => $"'{k}'"))}. Name arrays after the model inputs, or '{InputName}' for a single-input model.");
        return map;
    }

    /// <summary>
    /// The sample count shared by the named arrays; throws, naming each array and its count, when they differ,
    /// and names any array that has no sample dim.
    /// </summary>
    public int SampleCount(IReadOnlyList<string> arrayNames)
    {
        ArgumentNullException.ThrowIfNull(arrayNames);
        if (arrayNames.Count == 0) throw new ArgumentException("Name at least one array.", nameof(arrayNames));
        var infos = arrayNames.Select(GetArray).ToArray();
        foreach (var a in infos)
            if (a.Header.Shape.Length == 0)
                throw new InvalidDataSetException($"Array '{a.Name}' in '{Name}' is 0-d: it has no sample dim.");
        if (infos.Select(a => a.Samples).Distinct().Count() > 1)
            throw new InvalidDataSetException(
                $"Arrays of data set '{Name}' used together have different sample counts: " +
                string.Join(", ", infos.Select(a => $"'{a.Name}' has {a.Samples}")) + ".");
        return (int)infos[0].Samples;
    }

    /// <summary>
    /// Streams the named arrays in batches of <paramref name="batchSize"/> samples (the last batch may be smaller),
    /// starting at sample <paramref name="start"/> and yielding <paramref name="count"/> samples (all the rest when null).
    /// Validation (names, dtypes, order, sample counts) happens here, before the first batch is read.
    /// </summary>
    /// <param name="widenFloat16">Return float16 arrays as float32.</param>
    public IEnumerable<DataBatch> ReadBatches(int batchSize, IReadOnlyList<string> arrayNames, bool widenFloat16 = false, int start = 0, int? count = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (arrayNames.Distinct().Count() != arrayNames.Count)
            throw new ArgumentException($"Arrays named twice: {string.Join(", ", arrayNames)}.", nameof(arrayNames));
        int samples = SampleCount(arrayNames);
        foreach (var n in arrayNames) NpyFormat.EnsureReadable(GetArray(n).Header, $"'{n}' in '{Name}'");
        if (start < 0 || start > samples)
            throw new ArgumentOutOfRangeException(nameof(start), start, $"Data set '{Name}' has {samples} samples.");
        int take = count ?? samples - start;
        if (take < 0 || (long)start + take > samples)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Data set '{Name}' has {samples} samples; {start} + {count} is past the end.");
        return Stream(batchSize, arrayNames.ToArray(), widenFloat16, start, take);
    }

    /// <summary>A whole array as one tensor: for small arrays (labels, class names' ids); big ones go through <see cref="ReadBatches"/>.</summary>
    public Tensor ReadArray(string arrayName, bool widenFloat16 = false)
    {
        var info = GetArray(arrayName);
        string label = $"'{arrayName}' in '{Name}'";
        NpyFormat.EnsureReadable(info.Header, label);
        using var s = OpenEntry(_arrays[arrayName].Entry, label);
        NpyFormat.ReadHeader(s, label);
        return NpyFormat.ReadSamples(s, info.Header, checked((int)info.Samples), label, widenFloat16, info.Header.Shape.Length == 0);
    }

    public void Dispose() => _zip.Dispose();

    private IEnumerable<DataBatch> Stream(int batchSize, string[] names, bool widenFloat16, int start, int take)
    {
        var streams = new Stream[names.Length];
        try
        {
            for (int i = 0; i < names.Length; i++)
            {
                var (info, entry) = _arrays[names[i]];
                string label = $"'{names[i]}' in '{Name}'";
                streams[i] = OpenEntry(entry, label);
                NpyFormat.ReadHeader(streams[i], label);
                if (start > 0) NpyFormat.Skip(streams[i], (long)start * info.Header.SampleElements * info.Header.ItemSize, label);
            }
            for (int done = 0; done < take;)
            {
                int n = Math.Min(batchSize, take - done);
                var tensors = new Dictionary<string, Tensor>(names.Length);
                for (int i = 0; i < names.Length; i++)
                    tensors[names[i]] = NpyFormat.ReadSamples(streams[i], _arrays[names[i]].Info.Header, n, $"'{names[i]}' in '{Name}'", widenFloat16);
                yield return new DataBatch(start + done, n, tensors);
                done += n;
            }
        }
        finally
        {
            foreach (var s in streams) s?.Dispose();
        }
    }

    private static Stream OpenEntry(ZipArchiveEntry entry, string label)
    {
        try
        {
            return entry.Open();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataSetException($"Array {label} cannot be opened: {e.Message}", e);
        }
    }
}

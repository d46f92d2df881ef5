using System.IO.Compression;
using Platform.Quantization.Evaluation;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Tests.Evaluation;

public sealed class IdxImporterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("idx-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>An IDX file written from the format description: 0, 0, type, rank, big-endian dims, data.</summary>
    private string WriteIdx(string name, byte type, int[] dims, byte[] data, bool gzip)
    {
        var ms = new MemoryStream();
        ms.Write([0, 0, type, (byte)dims.Length]);
        foreach (var d in dims) ms.Write([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        ms.Write(data);
        string path = Path.Combine(_dir, name);
        using var f = File.Create(path);
        if (gzip)
        {
            using var gz = new GZipStream(f, CompressionLevel.Optimal);
            gz.Write(ms.ToArray());
        }
        else f.Write(ms.ToArray());
        return path;
    }

    // 5 images of 2x3: pixel p of image n is 50n + p; labels 9, 0, 3, 7, 1.
    private static byte[] Pixels => Enumerable.Range(0, 5).SelectMany(n => Enumerable.Range(0, 6).Select(p => (byte)(50 * n + p))).ToArray();
    private static readonly byte[] Labels = [9, 0, 3, 7, 1];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Imports_images_and_labels(bool gzip)
    {
        // the names say nothing: gzip is told apart by its magic bytes
        var images = WriteIdx("images.idx", 0x08, [5, 2, 3], Pixels, gzip);
        var labels = WriteIdx("labels.idx", 0x08, [5], Labels, gzip);
        string npz = Path.Combine(_dir, "out.npz");
        Assert.Equal(5, IdxImporter.Import(images, labels, npz));

        using var ds = NpzDataSet.Open(npz);
        Assert.Equal([5, 1, 2, 3], ds.GetArray("x").Shape);
        Assert.Equal(DataType.Float, ds.GetArray("x").DataType);
        Assert.Equal(DataType.Int64, ds.GetArray("y").DataType);
        var x = ds.ReadArray("x").Floats;
        Assert.Equal(0f, x[0]);
        Assert.Equal(205f / 255f, x[4 * 6 + 5]);
        Assert.Equal(Pixels.Select(p => p / 255f), x);
        Assert.Equal([9L, 0, 3, 7, 1], ds.ReadArray("y").Int64s);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Imports_a_window(bool gzip)
    {
        var images = WriteIdx("i", 0x08, [5, 2, 3], Pixels, gzip);
        var labels = WriteIdx("l", 0x08, [5], Labels, gzip);
        string npz = Path.Combine(_dir, "w.npz");
        Assert.Equal(2, IdxImporter.Import(images, labels, npz, offset: 2, count: 2));
        using var ds = NpzDataSet.Open(npz);
        Assert.Equal(2, ds.Samples);
        Assert.Equal(100f / 255f, ds.ReadArray("x").Floats[0]);
        Assert.Equal([3L, 7], ds.ReadArray("y").Int64s);
        Assert.Throws<ArgumentOutOfRangeException>(() => IdxImporter.Import(images, labels, npz, offset: 4, count: 2));
    }

    [Fact]
    public void Mismatched_counts_are_refused()
    {
        var images = WriteIdx("imgs", 0x08, [5, 2, 3], Pixels, gzip: false);
        var labels = WriteIdx("labs", 0x08, [4], Labels[..4], gzip: true);
        var e = Assert.Throws<InvalidDataSetException>(() => IdxImporter.Import(images, labels, Path.Combine(_dir, "o.npz")));
        Assert.Contains("'imgs' (5 images)", e.Message);
        Assert.Contains("'labs' (4 labels)", e.Message);
    }

    [Fact]
    public void Bad_magic_is_refused()
    {
        string path = Path.Combine(_dir, "bad");
        File.WriteAllBytes(path, [0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 1]);
        var e = Assert.Throws<InvalidDataSetException>(() => IdxReader.Open(path));
        Assert.Contains("'bad'", e.Message);
        Assert.Contains("magic", e.Message);
        var unknownType = WriteIdx("type", 0x0A, [1], [0], gzip: false);
        Assert.Contains("0x0A", Assert.Throws<InvalidDataSetException>(() => IdxReader.Open(unknownType)).Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_files_are_refused(bool gzip)
    {
        var images = WriteIdx("cut", 0x08, [5, 2, 3], Pixels[..20], gzip);
        var labels = WriteIdx("l", 0x08, [5], Labels, gzip);
        var e = Assert.Throws<InvalidDataSetException>(() => IdxImporter.Import(images, labels, Path.Combine(_dir, "o.npz")));
        Assert.Contains("'cut'", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Wrong_kind_of_file_is_refused()
    {
        var labels = WriteIdx("l", 0x08, [5], Labels, gzip: false);
        var e = Assert.Throws<InvalidDataSetException>(() => IdxImporter.Import(labels, labels, Path.Combine(_dir, "o.npz")));
        Assert.Contains("[N, H, W]", e.Message);
    }

    [Fact]
    public void Reads_big_endian_wide_types()
    {
        // int32 [2]: 0x01020304 and -2; float32 [1]: 1.5 (0x3FC00000)
        var ints = WriteIdx("ints", 0x0C, [2], [1, 2, 3, 4, 0xFF, 0xFF, 0xFF, 0xFE], gzip: false);
        using (var r = IdxReader.Open(ints))
            Assert.Equal([0x01020304, -2], r.ReadRecords(2).Int32s);
        var floats = WriteIdx("floats", 0x0D, [1, 1], [0x3F, 0xC0, 0, 0], gzip: true);
        using (var r = IdxReader.Open(floats))
        {
            Assert.Equal(DataType.Float, r.ElementType);
            Assert.Equal([1.5f], r.ReadRecords(1).Floats);
        }
    }

    [FashionMnistFact]
    public void Imports_the_real_fashion_mnist_test_set()
    {
        string npz = Path.Combine(_dir, "fmnist.npz");
        int n = IdxImporter.Import(
            Path.Combine(FashionMnistFactAttribute.Folder, "t10k-images-idx3-ubyte.gz"),
            Path.Combine(FashionMnistFactAttribute.Folder, "t10k-labels-idx1-ubyte.gz"), npz);
        Assert.Equal(10_000, n);
        using var ds = NpzDataSet.Open(npz);
        Assert.Equal([10_000, 1, 28, 28], ds.GetArray("x").Shape);
        var counts = new int[10];
        float max = 0;
        foreach (var b in ds.ReadBatches(1000, ["x", "y"]))
        {
            foreach (var l in b["y"].Int64s) counts[l]++;
            max = Math.Max(max, b["x"].Floats.Max());
        }
        Assert.All(counts, c => Assert.Equal(1000, c)); // the test set is balanced: 1000 per class
        Assert.Equal(1f, max);
    }
}

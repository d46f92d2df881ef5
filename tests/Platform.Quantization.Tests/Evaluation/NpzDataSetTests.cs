using System.IO.Compression;
using Platform.Quantization.Evaluation;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Tests.Evaluation;

public sealed class NpzDataSetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("npz-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    // numpy 1.24: np.savez_compressed(b, x=[[0.5,-1.25],[2,3.5],[-0.0,100]] f4, y=[2,0,1] i8, h=[1.5,-2,0.25] f2).
    // Its local headers carry zip64 extra fields (numpy forces zip64), which is worth reading once for real.
    private const string NumpyCompressed =
        "UEsDBBQAAAAIAAAAIQBefr0xXAAAAJgAAAAFABQAeC5ucHkBABAAmAAAAAAAAABcAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TZqKuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GsY6CkaaOgq1CmQDLgYGBnsGhgX7gbQDA0MCEDM0MDCccAIAUEsDBBQAAAAIAAAAIQCKGs4TSgAAAJgAAAAFABQAeS5ucHkBABAAmAAAAAAAAABKAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TaaGuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GsY6mjoKtQoUAC4mBlTACKUBUEsDBBQAAAAIAAAAIQCbuSq0SgAAAIYAAAAFABQAaC5ucHkBABAAhgAAAAAAAABKAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TZqSuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GsY6mjoKtQoUAC4GO4YDDCYAUEsBAhQDFAAAAAgAAAAhAF5+vTFcAAAAmAAAAAUAAAAAAAAAAAAAAIABAAAAAHgubnB5UEsBAhQDFAAAAAgAAAAhAIoazhNKAAAAmAAAAAUAAAAAAAAAAAAAAIABkwAAAHkubnB5UEsBAhQDFAAAAAgAAAAhAJu5KrRKAAAAhgAAAAUAAAAAAAAAAAAAAIABFAEAAGgubnB5UEsFBgAAAAADAAMAmQAAAJUBAAAAAA==";

    // The same x and y with np.savez (stored entries).
    private const string NumpyStored =
        "UEsDBBQAAAAAAAAAIQBefr0xmAAAAJgAAAAFABQAeC5ucHkBABAAmAAAAAAAAACYAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxmNCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgzLCAyKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAAAAPwAAoL8AAABAAABgQAAAAIAAAMhCUEsDBBQAAAAAAAAAIQCKGs4TmAAAAJgAAAAFABQAeS5ucHkBABAAmAAAAAAAAACYAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxpOCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgzLCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAgAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAUEsBAhQDFAAAAAAAAAAhAF5+vTGYAAAAmAAAAAUAAAAAAAAAAAAAAIABAAAAAHgubnB5UEsBAhQDFAAAAAAAAAAhAIoazhOYAAAAmAAAAAUAAAAAAAAAAAAAAIABzwAAAHkubnB5UEsFBgAAAAACAAIAZgAAAJ4BAAAAAA==";

    [Theory]
    [InlineData(NumpyCompressed)]
    [InlineData(NumpyStored)]
    public void Reads_what_numpy_writes(string base64)
    {
        using var ds = NpzDataSet.Open(new MemoryStream(Convert.FromBase64String(base64)), "numpy.npz");
        Assert.Equal(3, ds.SampleCount(["x", "y"]));
        var x = ds.GetArray("x");
        Assert.Equal(DataType.Float, x.DataType);
        Assert.Equal([3, 2], x.Shape);
        var batch = Assert.Single(ds.ReadBatches(8, ["x", "y"]));
        Assert.Equal([0.5f, -1.25f, 2, 3.5f, -0.0f, 100], batch["x"].Floats);
        Assert.Equal([2L, 0, 1], batch["y"].Int64s);
        if (ds.Contains("h"))
        {
            Assert.Equal(DataType.Float16, ds.GetArray("h").DataType);
            Assert.Equal([1.5f, -2f, 0.25f], ds.ReadArray("h", widenFloat16: true).Floats);
        }
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    [InlineData(true, 3)]
    public void Round_trips_every_dtype_stored_and_deflated(bool compress, int version)
    {
        var types = new[] { DataType.Float, DataType.Float16, DataType.UInt8, DataType.Int32, DataType.Int64, DataType.Double, DataType.Bool, DataType.Int8 };
        var tensors = types.ToDictionary(t => "a_" + t, t => NpyFormatTests.Sample(t, 7, 3));
        string path = PathOf("all.npz");
        using (var w = NpzWriter.Create(path, compress))
            foreach (var (name, t) in tensors) w.WriteArray(name, t, version);

        using (var zip = ZipFile.OpenRead(path))
            foreach (var e in zip.Entries)
                Assert.Equal(compress, e.CompressedLength < e.Length); // stored entries are not shrunk

        using var ds = NpzDataSet.Open(path);
        Assert.Equal(7, ds.Samples);
        Assert.Equal(tensors.Keys.Order(), ds.Arrays.Select(a => a.Name).Order());
        foreach (var (name, t) in tensors)
        {
            Assert.Equal(version, ds.GetArray(name).Header.Version);
            var back = ds.ReadArray(name);
            Assert.Equal(t.Type, back.Type);
            Assert.Equal(t.Shape, back.Shape);
            Assert.Equal(t.AsBytes().ToArray(), back.AsBytes().ToArray());
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Streams_batches_with_a_partial_last_batch(bool compress)
    {
        string path = PathOf("s.npz");
        using (var w = NpzWriter.Create(path, compress))
        {
            // written in uneven chunks to exercise the streaming writer
            using (var x = w.BeginArray("x", DataType.Float, [10, 2, 3]))
            {
                x.Append<float>(Enumerable.Range(0, 4 * 6).Select(i => (float)i).ToArray());
                x.Append<float>(Enumerable.Range(24, 6 * 6).Select(i => (float)i).ToArray());
                x.Complete();
            }
            w.WriteArray("y", Tensor.FromArray(Enumerable.Range(0, 10).Select(i => (long)(i % 4)).ToArray(), 10));
        }
        using var ds = NpzDataSet.Open(path);
        var batches = ds.ReadBatches(4, ["x", "y"]).ToList();
        Assert.Equal([0, 4, 8], batches.Select(b => b.Start));
        Assert.Equal([4, 4, 2], batches.Select(b => b.Count));
        Assert.Equal([2, 2, 3], batches[2]["x"].Shape);
        Assert.Equal(Enumerable.Range(48, 12).Select(i => (float)i), batches[2]["x"].Floats);
        Assert.Equal([0L, 1], batches[2]["y"].Int64s);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => (float)i), batches.SelectMany(b => b["x"].Floats));

        var window = ds.ReadBatches(2, ["y", "x"], start: 3, count: 3).ToList();
        Assert.Equal([2, 1], window.Select(b => b.Count));
        Assert.Equal([3L, 0, 1], window.SelectMany(b => b["y"].Int64s));
        Assert.Equal(18f, window[0]["x"].Floats[0]);
    }

    [Fact]
    public void Float16_is_kept_or_widened()
    {
        string path = PathOf("h.npz");
        using (var w = NpzWriter.Create(path))
            w.WriteArray("x", Tensor.FromArray(new[] { (Half)0.5f, (Half)(-3f), (Half)1024f }, 3, 1));
        using var ds = NpzDataSet.Open(path);
        Assert.Equal(DataType.Float16, ds.ReadBatches(2, ["x"]).First()["x"].Type);
        var wide = ds.ReadBatches(2, ["x"], widenFloat16: true).ToList();
        Assert.Equal(DataType.Float, wide[0]["x"].Type);
        Assert.Equal([0.5f, -3f, 1024f], wide.SelectMany(b => b["x"].Floats));
    }

    [Fact]
    public void Mismatched_sample_counts_name_arrays_and_counts()
    {
        string path = PathOf("m.npz");
        using (var w = NpzWriter.Create(path))
        {
            w.WriteArray("x", Tensor.Zeros(DataType.Float, 5, 2));
            w.WriteArray("y", Tensor.Zeros(DataType.Int64, 4));
        }
        using var ds = NpzDataSet.Open(path);
        var e = Assert.Throws<InvalidDataSetException>(() => ds.ReadBatches(2, ["x", "y"]));
        Assert.Contains("'x' has 5", e.Message);
        Assert.Contains("'y' has 4", e.Message);
        Assert.Contains("m.npz", e.Message);
        Assert.Throws<InvalidDataSetException>(() => ds.Samples);
        Assert.Equal(5, ds.SampleCount(["x"]));
    }

    [Fact]
    public void Missing_array_is_named_with_the_ones_present()
    {
        string path = PathOf("n.npz");
        using (var w = NpzWriter.Create(path))
            w.WriteArray("x", Tensor.Zeros(DataType.Float, 2, 2));
        using var ds = NpzDataSet.Open(path);
        Assert.False(ds.HasLabels);
        var e = Assert.Throws<InvalidDataSetException>(() => ds.ReadBatches(2, ["input_ids"]));
        Assert.Contains("'input_ids'", e.Message);
        Assert.Contains("'x'", e.Message);
    }

    [Fact]
    public void Truncated_npz_file_is_reported()
    {
        string path = PathOf("t.npz");
        using (var w = NpzWriter.Create(path))
            w.WriteArray("x", NpyFormatTests.Sample(DataType.Float, 50, 4));
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidDataSetException>(() => NpzDataSet.Open(path));
        Assert.Contains("t.npz", e.Message);
    }

    [Fact]
    public void Garbage_is_not_a_data_set()
    {
        string path = PathOf("g.npz");
        File.WriteAllBytes(path, Enumerable.Range(0, 300).Select(i => (byte)(i * 7)).ToArray());
        var e = Assert.Throws<InvalidDataSetException>(() => NpzDataSet.Open(path));
        Assert.Contains("g.npz", e.Message);
    }

    /// <summary>A zip whose entries hold hand-made .npy bytes: lets a test store a lying or short array.</summary>
    private string ZipOf(string file, params (string Name, byte[] Npy)[] entries)
    {
        string path = PathOf(file);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, npy) in entries)
        {
            using var s = zip.CreateEntry(name + ".npy", CompressionLevel.Optimal).Open();
            s.Write(npy);
        }
        return path;
    }

    [Fact]
    public void Entry_shorter_than_its_header_says_is_truncated()
    {
        var npy = NpyFormatTests.HandMadeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (100, 3), }", new byte[1000]);
        var path = ZipOf("short.npz", ("x", npy));
        var e = Assert.Throws<InvalidDataSetException>(() => NpzDataSet.Open(path));
        Assert.Contains("'x' in 'short.npz'", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Absurd_shape_in_an_entry_is_refused()
    {
        var npy = NpyFormatTests.HandMadeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2000000000, 1000000), }", new byte[64]);
        var path = ZipOf("absurd.npz", ("x", npy));
        var e = Assert.Throws<InvalidDataSetException>(() => NpzDataSet.Open(path));
        Assert.Contains("'x' in 'absurd.npz'", e.Message);
    }

    [Fact]
    public void Fortran_and_unknown_dtype_arrays_list_but_fail_when_read()
    {
        var f = NpyFormatTests.HandMadeNpy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new byte[16]);
        var s = NpyFormatTests.HandMadeNpy("{'descr': '<U3', 'fortran_order': False, 'shape': (2,), }", new byte[24]);
        var y = NpyFormatTests.HandMadeNpy("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", new byte[16]);
        var path = ZipOf("odd.npz", ("x", f), ("names", s), ("y", y));
        using var ds = NpzDataSet.Open(path);
        Assert.Equal(DataType.Undefined, ds.GetArray("names").DataType);
        var e1 = Assert.Throws<InvalidDataSetException>(() => ds.ReadBatches(1, ["x", "y"]));
        Assert.Contains("'x' in 'odd.npz'", e1.Message);
        Assert.Contains("Fortran", e1.Message);
        var e2 = Assert.Throws<InvalidDataSetException>(() => ds.ReadArray("names"));
        Assert.Contains("'<U3'", e2.Message);
        Assert.Equal([0L, 0], ds.ReadArray("y").Int64s);
    }

    [Fact]
    public void Writer_keeps_one_array_open_at_a_time_and_checks_counts()
    {
        using var w = new NpzWriter(new MemoryStream());
        var x = w.BeginArray("x", DataType.Float, [2, 2]);
        Assert.Throws<InvalidOperationException>(() => w.BeginArray("y", DataType.Int64, [2]));
        x.Append<float>([1, 2]);
        Assert.Contains("1 were written", Assert.Throws<InvalidOperationException>(x.Complete).Message);
        x.Append<float>([3, 4]);
        x.Complete();
        var y = w.BeginArray("y", DataType.Int64, [2]);
        y.Append<long>([0, 1]);
        y.Complete();
        Assert.Throws<ArgumentException>(() => w.BeginArray("x", DataType.Float, [1]));
    }

    [Fact]
    public void Batches_stream_rather_than_load_the_array()
    {
        // 4000 samples of 1 KiB, deflated: reading 3 batches of 10 must not decompress the rest.
        string path = PathOf("big.npz");
        using (var w = NpzWriter.Create(path, compress: true))
        using (var x = w.BeginArray("x", DataType.Float, [4000, 256]))
        {
            var row = new float[256];
            for (int i = 0; i < 4000; i++) { row[0] = i; x.Append<float>(row); }
            x.Complete();
        }
        using var ds = NpzDataSet.Open(path);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var firsts = ds.ReadBatches(10, ["x"]).Take(3).Select(b => b["x"].Floats[0]).ToList();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal([0f, 10f, 20f], firsts);
        Assert.True(allocated < 1_000_000, $"reading 30 samples allocated {allocated} bytes; the array holds 4 MB");
    }

    [Fact]
    public void Maps_model_inputs_to_arrays()
    {
        string path = PathOf("in.npz");
        using (var w = NpzWriter.Create(path))
        {
            w.WriteArray("x", Tensor.Zeros(DataType.Float, 2, 2));
            w.WriteArray("input_ids", Tensor.Zeros(DataType.Int64, 2, 4));
            w.WriteArray("y", Tensor.Zeros(DataType.Int64, 2));
        }
        using var ds = NpzDataSet.Open(path);
        Assert.Equal("x", ds.MapInputs(["Input3"])["Input3"]);
        Assert.Equal("input_ids", ds.MapInputs(["input_ids"])["input_ids"]);
        var e = Assert.Throws<InvalidDataSetException>(() => ds.MapInputs(["input_ids", "attention_mask"]));
        Assert.Contains("'attention_mask'", e.Message);
        Assert.DoesNotContain("'input_ids';", e.Message);
    }

    private sealed class ForwardOnly(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public void Non_seekable_streams_are_refused_rather_than_buffered()
    {
        var e = Assert.Throws<ArgumentException>(() => NpzDataSet.Open(new ForwardOnly(new MemoryStream(Convert.FromBase64String(NumpyStored))), "upload.npz"));
        Assert.Contains("upload.npz", e.Message);
    }
}

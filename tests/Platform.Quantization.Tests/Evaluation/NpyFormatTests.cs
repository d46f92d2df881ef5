using System.Text;
using Platform.Quantization.Evaluation;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Tests.Evaluation;

public class NpyFormatTests
{
    /// <summary>A .npy built by hand from the format description, independent of our writer.</summary>
    internal static byte[] HandMadeNpy(string dict, byte[] data, int version = 1)
    {
        var header = Encoding.ASCII.GetBytes(dict + "\n");
        var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)version, 0]);
        if (version == 1) ms.Write(BitConverter.GetBytes((ushort)header.Length));
        else ms.Write(BitConverter.GetBytes((uint)header.Length));
        ms.Write(header);
        ms.Write(data);
        return ms.ToArray();
    }

    public static TheoryData<DataType, int> TypesAndVersions()
    {
        var d = new TheoryData<DataType, int>();
        foreach (var t in new[] { DataType.Float, DataType.Float16, DataType.UInt8, DataType.Int32, DataType.Int64, DataType.Double, DataType.Bool, DataType.Int8 })
            foreach (var v in new[] { 1, 2, 3 })
                d.Add(t, v);
        return d;
    }

    internal static Tensor Sample(DataType type, params int[] shape)
    {
        var t = Tensor.Zeros(type, shape);
        for (int i = 0; i < t.Length; i++)
        {
            switch (t.Data)
            {
                case float[] a: a[i] = i * 0.5f - 3; break;
                case Half[] a: a[i] = (Half)(i * 0.25f - 1); break;
                case double[] a: a[i] = i * 1e-3 - 7; break;
                case byte[] a: a[i] = (byte)(i * 37); break;
                case sbyte[] a: a[i] = (sbyte)(i * 37); break;
                case int[] a: a[i] = i * -100003; break;
                case long[] a: a[i] = i * 5_000_000_000L; break;
                case bool[] a: a[i] = i % 3 == 0; break;
            }
        }
        return t;
    }

    [Theory]
    [MemberData(nameof(TypesAndVersions))]
    public void Round_trips_every_dtype_and_header_version(DataType type, int version)
    {
        var t = Sample(type, 3, 2, 5);
        var ms = new MemoryStream();
        NpyFormat.Write(ms, t, version);
        var bytes = ms.ToArray();
        Assert.Equal(version, bytes[6]);
        ms.Position = 0;
        var header = NpyFormat.ReadHeader(ms, "'t'");
        Assert.Equal(version, header.Version);
        Assert.Equal(0, header.DataOffset % 64); // numpy aligns data to 64 bytes
        Assert.Equal(bytes.Length - t.Length * Tensor.ElementSize(type), header.DataOffset);
        ms.Position = 0;
        var back = NpyFormat.Read(ms, "'t'");
        Assert.Equal(type, back.Type);
        Assert.Equal(t.Shape, back.Shape);
        Assert.Equal(t.AsBytes().ToArray(), back.AsBytes().ToArray());
    }

    [Fact]
    public void Writes_the_descr_numpy_writes()
    {
        var ms = new MemoryStream();
        NpyFormat.Write(ms, Tensor.FromArray(new[] { 1L, 2L }, 2));
        string text = Encoding.ASCII.GetString(ms.ToArray(), 10, 60);
        Assert.StartsWith("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", text);
    }

    [Fact]
    public void Reads_a_hand_made_version_1_array()
    {
        var data = new byte[6 * 4];
        float[] values = [1, -2, 3.5f, 0, 1e-3f, -7];
        Buffer.BlockCopy(values, 0, data, 0, data.Length);
        var bytes = HandMadeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", data);
        var t = NpyFormat.Read(new MemoryStream(bytes), "'hand'");
        Assert.Equal(DataType.Float, t.Type);
        Assert.Equal([2, 3], t.Shape);
        Assert.Equal(values, t.Floats);
    }

    [Fact]
    public void Reads_double_quotes_python2_longs_and_unaligned_headers()
    {
        // Old numpy (Python 2) wrote 3L and aligned to 16; key order is free.
        var data = BitConverter.GetBytes(42).Concat(BitConverter.GetBytes(-1)).Concat(BitConverter.GetBytes(7)).ToArray();
        var bytes = HandMadeNpy("{\"shape\": (3L,), \"fortran_order\": False, \"descr\": \"<i4\"}", data, version: 2);
        var t = NpyFormat.Read(new MemoryStream(bytes), "'old'");
        Assert.Equal([42, -1, 7], t.Int32s);
    }

    [Fact]
    public void Reads_a_0d_array()
    {
        var bytes = HandMadeNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", BitConverter.GetBytes(2.5));
        var t = NpyFormat.Read(new MemoryStream(bytes), "'s'");
        Assert.Empty(t.Shape);
        Assert.Equal(2.5, t.As<double>()[0]);
    }

    [Fact]
    public void Widens_float16_on_request()
    {
        var ms = new MemoryStream();
        NpyFormat.Write(ms, Tensor.FromArray(new[] { (Half)1.5f, (Half)(-0.25f) }, 2));
        ms.Position = 0;
        var t = NpyFormat.Read(ms, "'h'", widenFloat16: true);
        Assert.Equal(DataType.Float, t.Type);
        Assert.Equal([1.5f, -0.25f], t.Floats);
    }

    [Fact]
    public void Bool_bytes_other_than_one_read_as_true()
    {
        var bytes = HandMadeNpy("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", [0, 1, 7]);
        var t = NpyFormat.Read(new MemoryStream(bytes), "'b'");
        Assert.Equal([false, true, true], t.As<bool>());
    }

    [Fact]
    public void Fortran_order_is_refused_naming_array_and_dtype()
    {
        var bytes = HandMadeNpy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new byte[16]);
        var e = Assert.Throws<InvalidDataSetException>(() => NpyFormat.Read(new MemoryStream(bytes), "'x' in d.npz"));
        Assert.Contains("'x' in d.npz", e.Message);
        Assert.Contains("Fortran", e.Message);
        Assert.Contains("<f4", e.Message);
    }

    [Theory]
    [InlineData(">f4", "big-endian")]
    [InlineData("<U10", "not supported")]
    [InlineData("<c8", "not supported")]
    public void Unreadable_dtypes_are_named(string descr, string why)
    {
        var bytes = HandMadeNpy($"{{'descr': '{descr}', 'fortran_order': False, 'shape': (1,), }}", new byte[40]);
        var e = Assert.Throws<InvalidDataSetException>(() => NpyFormat.Read(new MemoryStream(bytes), "'z'"));
        Assert.Contains($"'{descr}'", e.Message);
        Assert.Contains("'z'", e.Message);
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void Big_endian_single_bytes_are_fine()
    {
        var bytes = HandMadeNpy("{'descr': '>u1', 'fortran_order': False, 'shape': (2,), }", [3, 250]);
        Assert.Equal([3, 250], NpyFormat.Read(new MemoryStream(bytes), "'u'").As<byte>());
    }

    [Fact]
    public void Truncated_data_is_reported()
    {
        var bytes = HandMadeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", new byte[10]);
        var e = Assert.Throws<InvalidDataSetException>(() => NpyFormat.Read(new MemoryStream(bytes), "'x'"));
        Assert.Contains("truncated", e.Message);
        Assert.Contains("16 bytes", e.Message);
    }

    [Fact]
    public void Truncated_header_is_reported()
    {
        var bytes = HandMadeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", []);
        var e = Assert.Throws<InvalidDataSetException>(() => NpyFormat.Read(new MemoryStream(bytes[..30]), "'x'"));
        Assert.Contains("truncated", e.Message);
    }

    [Theory]
    [InlineData("(99999999999999999999, 3)")]
    [InlineData("(-1, 3)")]
    [InlineData("(2147483647, 2147483647, 2147483647, 2147483647)")]
    public void Absurd_shapes_are_refused(string shape)
    {
        var bytes = HandMadeNpy($"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}", new byte[16]);
        var e = Assert.Throws<InvalidDataSetException>(() => NpyFormat.ReadHeader(new MemoryStream(bytes), "'x'"));
        Assert.Contains("'x'", e.Message);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'shape': (1,), }", "fortran_order")]
    [InlineData("{'descr': '<f4' 'fortran_order': False, 'shape': (1,), }", "','")]
    [InlineData("['descr']", "not a dict")]
    public void Malformed_headers_are_refused(string dict, string mention)
    {
        var bytes = HandMadeNpy(dict, new byte[4]);
        var e = Assert.Throws<InvalidDataSetException>(() => NpyFormat.ReadHeader(new MemoryStream(bytes), "'x'"));
        Assert.Contains(mention, e.Message);
    }

    [Fact]
    public void Not_npy_and_unknown_versions_are_refused()
    {
        Assert.Contains("magic", Assert.Throws<InvalidDataSetException>(() => NpyFormat.ReadHeader(new MemoryStream(new byte[20]), "'x'")).Message);
        var bytes = HandMadeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }", [], version: 1);
        bytes[6] = 4;
        Assert.Contains("4.0", Assert.Throws<InvalidDataSetException>(() => NpyFormat.ReadHeader(new MemoryStream(bytes), "'x'")).Message);
    }

    [Fact]
    public void Streaming_writer_checks_declared_sample_count()
    {
        var ms = new MemoryStream();
        var w = new NpyArrayWriter(ms, "x", DataType.Float, [3, 2]);
        w.Append<float>([1, 2, 3, 4]);
        Assert.Throws<InvalidOperationException>(() => w.Append<float>([1, 2, 3, 4]));
        Assert.Throws<ArgumentException>(() => w.Append<float>([1]));
        Assert.Throws<ArgumentException>(() => w.Append<int>([1, 2]));
        Assert.Throws<InvalidOperationException>(w.Complete);
        w.Append(Tensor.FromArray(new[] { 5f, 6f }, 1, 2));
        w.Complete();
        ms.Position = 0;
        Assert.Equal([1f, 2, 3, 4, 5, 6], NpyFormat.Read(ms, "'x'").Floats);
    }
}

using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Nn;

/// <summary>
/// MaxPool (with the optional Indices output) and AveragePool over any number of spatial dims.
/// The 2-D case, the one every CNN hits, has a loop without multi-index bookkeeping.
/// </summary>
[OnnxOperator("MaxPool")]
[OnnxOperator("AveragePool")]
internal sealed unsafe class PoolOperator : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = inputs[0] ?? throw new ArgumentException($"{node.Describe()}: input X is missing.");
        if (x.Type is DataType.Int8 or DataType.UInt8 or DataType.Float16 && node.OpType == "MaxPool")
        {
            // Every value of these types is exact in float32 and max only selects: pool in float32 and convert back.
            var r = Execute(node, [Tensor.FromArray(x.ToFloatArray(), x.Shape)], context);
            r[0] = Narrow(r[0], x.Type);
            return r;
        }
        if (x.Type != DataType.Float) throw new NotSupportedException($"{node.Describe()}: {node.OpType} is implemented for float32 (X is {x.Type}).");
        if (x.Rank < 3) throw new ShapeMismatchException($"{node.Describe()}: X must be [N, C, spatial...], got {TensorShape.Format(x.Shape)}.");
        bool max = node.OpType == "MaxPool";
        bool ceil = node.GetInt("ceil_mode", 0) != 0;
        var spatial = x.Shape.AsSpan(2);
        var a = SpatialAttributes.Resolve(node, spatial, null, ceil);
        bool includePad = node.GetInt("count_include_pad", 0) != 0;
        bool columnMajor = node.GetInt("storage_order", 0) != 0;
        bool wantIndices = max && node.Outputs.Count > 1 && node.Outputs[1].Length > 0;

        var yShape = new int[x.Rank];
        yShape[0] = x.Shape[0];
        yShape[1] = x.Shape[1];
        a.Output.CopyTo(yShape, 2);
        var y = Tensor.Zeros(DataType.Float, yShape);
        var indices = wantIndices ? Tensor.Zeros(DataType.Int64, yShape) : null;
        int planes = x.Shape[0] * x.Shape[1];
        int inSize = (int)TensorShape.ElementCount(spatial), outSize = (int)TensorShape.ElementCount(a.Output);
        if (y.Length == 0) return wantIndices ? [y, indices!] : [y];

        var xs = x.Floats;
        var ys = y.Floats;
        var idx = indices?.Int64s;
        int[] inShape = spatial.ToArray();
        bool window2x2 = max && idx is null && a.Rank == 2 && a.Kernel is [2, 2] && a.Strides is [2, 2] && a.Dilations is [1, 1]
            && a.PadBegin.All(v => v == 0) && 2 * a.Output[0] <= inShape[0] && 2 * a.Output[1] <= inShape[1];
        var work = (int p) =>
        {
            if (window2x2) MaxPool2x2(xs, ys, p, inShape[0], inShape[1], a.Output[0], a.Output[1]);
            else if (a.Rank == 2 && idx is null) Separable2D(xs, ys, p, inShape, a, max, includePad);
            else if (a.Rank == 2) Plane2D(xs, ys, idx, p, inShape, a, max, includePad, columnMajor);
            else PlaneND(xs, ys, idx, p, inShape, a, max, includePad, columnMajor, inSize, outSize);
        };
        if (context.Threads > 1 && (long)outSize * planes * TensorShape.ElementCount(a.Kernel) > 1 << 16)
            Parallel.For(0, planes, new ParallelOptions { MaxDegreeOfParallelism = context.Threads }, work);
        else
            for (int p = 0; p < planes; p++) work(p);
        return wantIndices ? [y, indices!] : [y];
    }

    // Typed loops, not LINQ: the quantized runtime pools u8 activations between int8 layers.
    private static Tensor Narrow(Tensor t, DataType type)
    {
        var f = t.Floats;
        Array data;
        switch (type)
        {
            case DataType.Int8:
                var s = GC.AllocateUninitializedArray<sbyte>(f.Length);
                for (int i = 0; i < f.Length; i++) s[i] = (sbyte)f[i];
                data = s;
                break;
            case DataType.UInt8:
                var b = GC.AllocateUninitializedArray<byte>(f.Length);
                for (int i = 0; i < f.Length; i++) b[i] = (byte)f[i];
                data = b;
                break;
            default:
                var h = GC.AllocateUninitializedArray<Half>(f.Length);
                for (int i = 0; i < f.Length; i++) h[i] = (Half)f[i];
                data = h;
                break;
        }
        return new Tensor(type, t.Shape, data);
    }

    /// <summary>
    /// The 2×2 stride-2 max pool every small CNN has, windows wholly inside the plane: four loads per output, no row
    /// buffer. The general path's vector loop needs 16 outputs per row and these rows (14, 7) have fewer; it took 2.6 ms
    /// of a 7 ms Fashion CNN pass. Same NaN rule as the general path: a NaN is never the maximum.
    /// </summary>
    private static void MaxPool2x2(float[] xs, float[] ys, int p, int h, int w, int oh, int ow)
    {
        fixed (float* px = xs, py = ys)
        {
            float* plane = px + (long)p * h * w;
            float* output = py + (long)p * oh * ow;
            for (int oy = 0; oy < oh; oy++)
            {
                float* r0 = plane + (long)2 * oy * w;
                float* r1 = r0 + w;
                float* d = output + (long)oy * ow;
                for (int ox = 0; ox < ow; ox++)
                {
                    float m = float.NegativeInfinity;
                    float v = r0[2 * ox]; m = v > m ? v : m;
                    v = r0[2 * ox + 1]; m = v > m ? v : m;
                    v = r1[2 * ox]; m = v > m ? v : m;
                    v = r1[2 * ox + 1]; m = v > m ? v : m;
                    d[ox] = m;
                }
            }
        }
    }

    [ThreadStatic] private static float[]? s_row;

    /// <summary>
    /// Separable 2-D pooling (no Indices): the window's valid rows are reduced into one row with vector
    /// ops, then each output reduces its valid columns of that row. Max and sum are both separable.
    /// </summary>
    private static void Separable2D(float[] xs, float[] ys, int p, int[] input, SpatialAttributes a, bool max, bool includePad)
    {
        int h = input[0], w = input[1], oh = a.Output[0], ow = a.Output[1];
        int kh = a.Kernel[0], kw = a.Kernel[1], sh = a.Strides[0], sw = a.Strides[1], dh = a.Dilations[0], dw = a.Dilations[1];
        int pt = a.PadBegin[0], pl = a.PadBegin[1], pb = a.PadEnd[0], pr = a.PadEnd[1];
        if (s_row is null || s_row.Length < w) s_row = new float[Math.Max(w, 64)];
        var row = s_row.AsSpan(0, w);
        var plane = xs.AsSpan(p * h * w, h * w);
        var outp = ys.AsSpan(p * oh * ow, oh * ow);
        for (int oy = 0; oy < oh; oy++)
        {
            int y0 = oy * sh - pt;
            int validRows = 0, paddedRows = 0;
            for (int ky = 0; ky < kh; ky++)
            {
                int iy = y0 + ky * dh;
                if (iy < -pt || iy >= h + pb) continue;
                paddedRows++;
                if ((uint)iy >= (uint)h) continue;
                var src = plane.Slice(iy * w, w);
                if (validRows++ == 0) src.CopyTo(row);
                else if (max) MaxInto(row, src);
                else AddInto(row, src);
            }
            var dst = outp.Slice(oy * ow, ow);
            int vecEnd = 0;
            if (Avx512F.IsSupported && validRows > 0 && sw <= 2)
            {
                // Windows wholly inside the row, 16 outputs at a time: one (stride-2: de-interleaved) load per tap.
                int first = (pl + sw - 1) / sw;    // first ox with x0 ≥ 0
                int ox = first;
                float divisor = includePad ? paddedRows * kw : validRows * kw;
                fixed (float* rowp = row)
                fixed (float* dp = dst)
                {
                    var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
                    for (; ox + 16 <= ow && (ox + 15) * sw - pl + (kw - 1) * dw + (sw - 1) < w; ox += 16)
                    {
                        float* p0 = rowp + ox * sw - pl;
                        Vector512<float> acc = default;
                        for (int kx = 0; kx < kw; kx++)
                        {
                            float* q = p0 + kx * dw;
                            var v = sw == 1 ? Vector512.Load(q) : Avx512F.PermuteVar16x32x2(Vector512.Load(q), even, Vector512.Load(q + 16));
                            acc = kx == 0 ? v : max ? Vector512.Max(acc, v) : acc + v;
                        }
                        if (!max) acc /= Vector512.Create(divisor);
                        Vector512.Store(acc, dp + ox);
                    }
                    vecEnd = ox;
                    // Outputs before `first` still go through the scalar loop below.
                    for (int o = 0; o < first && o < ow; o++) ScalarOut(row, dst, o, w, sw, pl, pr, kw, dw, max, includePad, validRows, paddedRows);
                    if (vecEnd == first) vecEnd = 0;
                }
            }
            for (int ox = vecEnd; ox < ow; ox++)
            {
                int x0 = ox * sw - pl;
                float acc = max ? float.NegativeInfinity : 0f;
                int validCols = 0, paddedCols = 0;
                for (int kx = 0; kx < kw; kx++)
                {
                    int ix = x0 + kx * dw;
                    if (ix < -pl || ix >= w + pr) continue;
                    paddedCols++;
                    if ((uint)ix >= (uint)w) continue;
                    validCols++;
                    float v = row[ix];
                    acc = max ? (v > acc ? v : acc) : acc + v;
                }
                if (validRows == 0) { dst[ox] = max ? float.NegativeInfinity : 0f; continue; }
                dst[ox] = max ? acc : acc / (includePad ? paddedRows * paddedCols : Math.Max(1, validRows * validCols));
            }
        }
    }

    private static void ScalarOut(Span<float> row, Span<float> dst, int ox, int w, int sw, int pl, int pr, int kw, int dw, bool max, bool includePad, int validRows, int paddedRows)
    {
        int x0 = ox * sw - pl;
        float acc = max ? float.NegativeInfinity : 0f;
        int validCols = 0, paddedCols = 0;
        for (int kx = 0; kx < kw; kx++)
        {
            int ix = x0 + kx * dw;
            if (ix < -pl || ix >= w + pr) continue;
            paddedCols++;
            if ((uint)ix >= (uint)w) continue;
            validCols++;
            float v = row[ix];
            acc = max ? (v > acc ? v : acc) : acc + v;
        }
        dst[ox] = max ? acc : acc / (includePad ? paddedRows * paddedCols : Math.Max(1, validRows * validCols));
    }

    private static void MaxInto(Span<float> acc, ReadOnlySpan<float> x)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= acc.Length; i += 16)
                Vector512.Max(Vector512.Create<float>(acc.Slice(i, 16)), Vector512.Create<float>(x.Slice(i, 16))).StoreUnsafe(ref acc[i]);
        for (; i < acc.Length; i++) acc[i] = x[i] > acc[i] ? x[i] : acc[i];
    }

    private static void AddInto(Span<float> acc, ReadOnlySpan<float> x)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= acc.Length; i += 16)
                (Vector512.Create<float>(acc.Slice(i, 16)) + Vector512.Create<float>(x.Slice(i, 16))).StoreUnsafe(ref acc[i]);
        for (; i < acc.Length; i++) acc[i] += x[i];
    }

    private static void Plane2D(float[] xs, float[] ys, long[]? idx, int p, int[] input, SpatialAttributes a, bool max, bool includePad, bool columnMajor)
    {
        int h = input[0], w = input[1], oh = a.Output[0], ow = a.Output[1];
        int kh = a.Kernel[0], kw = a.Kernel[1], sh = a.Strides[0], sw = a.Strides[1], dh = a.Dilations[0], dw = a.Dilations[1];
        int pt = a.PadBegin[0], pl = a.PadBegin[1], pb = a.PadEnd[0], pr = a.PadEnd[1];
        var plane = xs.AsSpan(p * h * w, h * w);
        var outp = ys.AsSpan(p * oh * ow, oh * ow);
        long baseIndex = (long)p * h * w;
        for (int oy = 0; oy < oh; oy++)
        {
            int y0 = oy * sh - pt;
            for (int ox = 0; ox < ow; ox++)
            {
                int x0 = ox * sw - pl;
                float best = float.NegativeInfinity, sum = 0;
                int bestAt = -1, count = 0, padded = 0;
                for (int ky = 0; ky < kh; ky++)
                {
                    int iy = y0 + ky * dh;
                    if (iy < -pt || iy >= h + pb) continue;
                    bool rowInside = (uint)iy < (uint)h;
                    for (int kx = 0; kx < kw; kx++)
                    {
                        int ix = x0 + kx * dw;
                        if (ix < -pl || ix >= w + pr) continue;
                        padded++;
                        if (!rowInside || (uint)ix >= (uint)w) continue;
                        float v = plane[iy * w + ix];
                        if (max)
                        {
                            if (v > best || bestAt < 0) { best = v; bestAt = columnMajor ? iy + ix * h : iy * w + ix; }
                        }
                        else { sum += v; count++; }
                    }
                }
                int o = oy * ow + ox;
                if (max)
                {
                    outp[o] = best;
                    if (idx is not null) idx[(long)p * oh * ow + o] = bestAt < 0 ? -1 : baseIndex + bestAt;
                }
                else outp[o] = sum / (includePad ? padded : Math.Max(count, 1));
            }
        }
    }

    private static void PlaneND(float[] xs, float[] ys, long[]? idx, int p, int[] input, SpatialAttributes a, bool max, bool includePad,
        bool columnMajor, int inSize, int outSize)
    {
        int r = a.Rank;
        var strides = TensorShape.Strides(input);
        var colStrides = new int[r];
        for (int i = 0, acc = 1; i < r; i++) { colStrides[i] = acc; acc *= input[i]; }
        int kprod = (int)TensorShape.ElementCount(a.Kernel);
        Span<int> o = stackalloc int[r];
        Span<int> k = stackalloc int[r];
        for (int oi = 0; oi < outSize; oi++)
        {
            float best = float.NegativeInfinity, sum = 0;
            int bestAt = -1, count = 0, padded = 0;
            k.Clear();
            for (int ki = 0; ki < kprod; ki++)
            {
                bool inPadded = true, inside = true;
                int off = 0, colOff = 0;
                for (int i = 0; i < r; i++)
                {
                    int pos = o[i] * a.Strides[i] - a.PadBegin[i] + k[i] * a.Dilations[i];
                    if (pos < -a.PadBegin[i] || pos >= input[i] + a.PadEnd[i]) { inPadded = false; break; }
                    if ((uint)pos >= (uint)input[i]) inside = false;
                    else { off += pos * strides[i]; colOff += pos * colStrides[i]; }
                }
                if (inPadded)
                {
                    padded++;
                    if (inside)
                    {
                        float v = xs[(long)p * inSize + off];
                        if (max) { if (v > best || bestAt < 0) { best = v; bestAt = columnMajor ? colOff : off; } }
                        else { sum += v; count++; }
                    }
                }
                for (int i = r - 1; i >= 0; i--) { if (++k[i] < a.Kernel[i]) break; k[i] = 0; }
            }
            if (max)
            {
                ys[(long)p * outSize + oi] = best;
                if (idx is not null) idx[(long)p * outSize + oi] = bestAt < 0 ? -1 : (long)p * inSize + bestAt;
            }
            else ys[(long)p * outSize + oi] = sum / (includePad ? padded : Math.Max(count, 1));
            for (int i = r - 1; i >= 0; i--) { if (++o[i] < a.Output[i]) break; o[i] = 0; }
        }
    }
}

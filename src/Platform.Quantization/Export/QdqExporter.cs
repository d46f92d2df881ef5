using System.Globalization;
using System.Text.Json;
using Platform.Quantization.Formats;
using Platform.Quantization.Graph;
using Platform.Quantization.Graph.Passes;
using Platform.Quantization.Onnx;
using Platform.Quantization.Pipeline;
using Platform.Quantization.Specs;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Export;

/// <summary>
/// Writes a quantized model ONNX Runtime runs:
/// int8 weights as an INT8 (symmetric) or UINT8 (asymmetric) initializer → DequantizeLinear (per-tensor, per-channel
/// on the layer's output axis, or blocked for per-group) → the layer; int4 MatMul/Gemm as com.microsoft MatMulNBits;
/// other int4 layers (Conv, or groups MatMulNBits cannot take) as an INT4/UINT4 initializer → DequantizeLinear
/// (opset 21, which ONNX Runtime 1.31.1 runs); fp16/bf16 weights as the 16-bit initializer → Cast to float; int2,
/// binary and PQ weights as their dequantized fp32 image (ONNX Runtime has no operator for them: the packed artifact
/// carries them). Static input activations become QuantizeLinear → DequantizeLinear with the calibrated parameters,
/// dynamic 8-bit ones DynamicQuantizeLinear → DequantizeLinear, so ONNX Runtime computes what our fake-quant does.
/// How each layer went is recorded in the model's metadata ("qplat.export.layers").
/// </summary>
public static class QdqExporter
{
    public const string MicrosoftDomain = "com.microsoft";

    /// <summary>Metadata key of the per-layer export record (a JSON array of {name, format, exportedAs}).</summary>
    public const string LayersMetadataKey = "qplat.export.layers";

    /// <summary>Metadata key saying how int4 layers that are not MatMulNBits were written.</summary>
    public const string Int4MetadataKey = "qplat.export.int4";

    /// <summary>
    /// Whether ONNX Runtime runs this layer as its format (fp32, fp16/bf16, int8 QDQ, int4 MatMulNBits / INT4
    /// DequantizeLinear) rather than as a dequantized stand-in (int2, binary, PQ) or not at all (XNOR activations).
    /// </summary>
    public static bool RunsOnOnnxRuntime(QuantizedLayer layer) =>
        layer.Spec.Weights.Kind is WeightFormatKind.Fp32 or WeightFormatKind.Fp16 or WeightFormatKind.Bf16 or WeightFormatKind.Int8 or WeightFormatKind.Int4
        && layer.Spec.ActivationBits != 1;

    /// <exception cref="InvalidModelException">A layer is not in the graph, or its weight does not match its stored form.</exception>
    /// <exception cref="NotSupportedException">A layer's activation quantization has no ONNX form (1-bit XNOR
    /// activations, dynamic symmetric or sub-8-bit activations); the message names the layer and says to export packed.</exception>
    public static OnnxModel Export(OnnxModel prepared, IReadOnlyList<QuantizedLayer> layers)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(layers);
        var graph = prepared.Graph.Clone();
        var byNode = new Dictionary<string, QuantizedLayer>(StringComparer.Ordinal);
        foreach (var l in layers)
        {
            if (!graph.Nodes.Any(n => n.Name == l.Layer.Name))
                throw new InvalidModelException($"Layer '{l.Layer.Name}' ({l.Layer.OpType}) is not a node of the prepared model: export the model the layers were quantized from.");
            if (!byNode.TryAdd(l.Layer.Name, l))
                throw new ArgumentException($"Layer '{l.Layer.Name}' is listed twice.", nameof(layers));
        }

        var b = new Builder(graph);
        var records = new List<LayerExport>();
        var nodes = new List<Node>(graph.Nodes.Count);
        foreach (var node in graph.Nodes)
        {
            if (!byNode.TryGetValue(node.Name, out var ql))
            {
                nodes.Add(node);
                continue;
            }
            b.Pre.Clear();
            b.Post.Clear();
            var replaced = ExportLayer(b, node, ql, out string how);
            records.Add(new LayerExport(ql.Layer.Name, ql.Spec.Weights.Name, how));
            nodes.AddRange(b.Pre);
            nodes.Add(replaced);
            nodes.AddRange(b.Post);
        }
        graph.Nodes.Clear();
        graph.Nodes.AddRange(nodes);
        int quantizedOutputs = QuantizeOutputs(b, graph);
        ConstantFolding.RemoveUnusedInitializers(graph);

        int from = prepared.Opset;
        int opset = Math.Max(from, b.MinOpset);
        OpsetUpgrade.Apply(graph, from, opset);
        var opsets = new Dictionary<string, long>(prepared.Opsets, StringComparer.Ordinal);
        opsets.Remove("ai.onnx");
        opsets[""] = opset;
        if (b.UsesMicrosoftDomain) opsets[MicrosoftDomain] = 1;
        var model = new OnnxModel
        {
            Graph = graph,
            Opsets = opsets,
            IrVersion = Math.Max(prepared.IrVersion, IrVersionFor(opset)),
            ProducerName = "qplat",
            ProducerVersion = typeof(QdqExporter).Assembly.GetName().Version?.ToString() ?? "",
        };
        foreach (var (k, v) in prepared.Metadata) model.Metadata[k] = v;
        model.Metadata[LayersMetadataKey] = JsonSerializer.Serialize(records, JsonOptions);
        model.Metadata["qplat.export.quantizedOutputs"] = quantizedOutputs.ToString(CultureInfo.InvariantCulture);
        if (b.Int4Dequantize)
            model.Metadata[Int4MetadataKey] = "int4 weights outside MatMulNBits are INT4/UINT4 initializers read by DequantizeLinear (opset 21), which ONNX Runtime 1.31.1 runs";
        return model;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private sealed record LayerExport(string Name, string Format, string ExportedAs);

    /// <summary>The lowest IR version that may carry an opset (onnx/docs/Versioning.md).</summary>
    private static long IrVersionFor(int opset) => opset switch
    {
        >= 21 => 10,
        >= 19 => 9,
        >= 15 => 8,
        >= 13 => 7,
        _ => 3,
    };

    private static Node ExportLayer(Builder b, Node node, QuantizedLayer ql, out string how)
    {
        var layer = ql.Layer;
        var w = ql.Weight;
        if (!b.Graph.Initializers.TryGetValue(layer.WeightName, out var original) || !original.Shape.SequenceEqual(w.Shape))
            throw new InvalidModelException(
                $"Layer '{layer.Name}': the stored weight has shape {TensorShape.Format(w.Shape)} but the model's '{layer.WeightName}' " +
                $"{(original is null ? "is missing" : "has shape " + TensorShape.Format(original.Shape))}: export the model the layers were quantized from.");

        bool nbits = w is AffineQuantizedWeight { Bits: 4 } a4 && node.OpType is "MatMul" or "Gemm" && MatMulNBitsBlock(a4) > 0;
        // MatMulNBits with accuracy_level 4 quantizes its input to int8 itself; a static range is still applied first.
        bool dynamicInOperator = nbits && ql.Spec.Activations == ActivationMode.Dynamic;
        string actHow = dynamicInOperator ? "activations: MatMulNBits accuracy_level 4" : QuantizeInput(b, node, ql);
        string weightHow;
        if (nbits)
        {
            var replaced = MatMulNBits(b, node, ql, (AffineQuantizedWeight)w, out weightHow);
            how = Join(weightHow, actHow);
            return replaced;
        }
        switch (w)
        {
            case AffineQuantizedWeight { Bits: 8 or 4 } a:
                node.Inputs[layer.WeightInput] = DequantizeWeight(b, layer, a, ql.Spec.QuantizesActivations, out weightHow);
                if (a.Bits == 8 && ql.Spec is { Activations: ActivationMode.Static, ActivationBits: 8 }) b.QdqLayers.Add(node);
                break;
            case FloatQuantizedWeight { Format.Kind: WeightFormatKind.Fp32 }:
                weightHow = "fp32";
                break;
            case FloatQuantizedWeight f:
                node.Inputs[layer.WeightInput] = CastWeight(b, layer, f);
                weightHow = $"{f.Format.Name} initializer -> Cast(float)";
                break;
            default:
                // int2, binary, PQ: no ONNX operator reads them; the packed artifact keeps the stored form.
                string name = b.Unique(layer.WeightName + "_" + Slug(w.Format.Name) + "_dequantized");
                b.Graph.Initializers[name] = w.DequantizeTensor();
                node.Inputs[layer.WeightInput] = name;
                weightHow = "dequantized fp32 initializer";
                break;
        }
        how = Join(weightHow, actHow);
        return node;
    }

    private static string Join(string weights, string activations) => activations.Length == 0 ? weights : weights + "; " + activations;

    private static string Slug(string s) => s.Replace(':', '_').Replace(',', '_').Replace('=', '_');

    // ---- activations ----

    private static string QuantizeInput(Builder b, Node node, QuantizedLayer ql)
    {
        var spec = ql.Spec;
        if (!spec.QuantizesActivations) return "";
        string layer = ql.Layer.Name;
        string x = node.Inputs[0];
        if (spec.ActivationBits == 1)
            throw new NotSupportedException($"Layer '{layer}': XNOR-Net 1-bit activations have no ONNX operator; export the packed artifact (--export packed) instead.");
        if (spec.Activations == ActivationMode.Static)
        {
            var p = ql.InputParams ?? throw new InvalidModelException($"Layer '{layer}' has static activations but no calibrated input parameters: quantize it with a calibration set.");
            string s = b.Init(layer + "_input_scale", Tensor.Scalar(p.Scale));
            if (p.Bits == 8)
            {
                // The uint8/int8 zero point's type picks QuantizeLinear's output type.
                string z = b.Init(layer + "_input_zero_point", p.Signed ? Tensor.Scalar((sbyte)p.ZeroPoint) : Tensor.Scalar((byte)p.ZeroPoint));
                string q = b.Unique(layer + "_input_quantized");
                string dq = b.Unique(layer + "_input_dequantized");
                if (p.Signed)
                {
                    // Our signed range is ±127; QuantizeLinear's int8 would let −128 through.
                    string clipped = b.Unique(layer + "_input_clipped");
                    b.Pre.Add(b.Node("Clip", [x, b.Init(layer + "_input_min", Tensor.Scalar(p.QMin * p.Scale)), b.Init(layer + "_input_max", Tensor.Scalar(p.QMax * p.Scale))], [clipped]));
                    x = clipped;
                }
                b.Pre.Add(b.Node("QuantizeLinear", [x, s, z], [q]));
                b.Pre.Add(b.Node("DequantizeLinear", [q, s, z], [dq]));
                node.Inputs[0] = dq;
                if (!p.Signed) b.StaticInputs[x] = (s, z);
                b.Require(13);
                return $"activations: QuantizeLinear/DequantizeLinear {(p.Signed ? "int8" : "uint8")}";
            }
            // No 2-bit ONNX type, and INT4's −8 would escape our restricted symmetric range: the same arithmetic in float.
            node.Inputs[0] = FakeQuantize(b, layer, x, p, s);
            return $"activations: {p.Bits}-bit fake quantization (Div/Round/Clip/Mul)";
        }
        if (spec.ActivationBits != 8 || spec.ActivationSymmetric)
            throw new NotSupportedException(
                $"Layer '{layer}': dynamic {spec.ActivationBits}-bit {(spec.ActivationSymmetric ? "symmetric" : "asymmetric")} activations have no ONNX operator " +
                "(DynamicQuantizeLinear is uint8 asymmetric only); use static or dynamic uint8 activations, or export the packed artifact.");
        string y = b.Unique(layer + "_input_quantized"), ys = b.Unique(layer + "_input_scale"), yz = b.Unique(layer + "_input_zero_point");
        string dqd = b.Unique(layer + "_input_dequantized");
        b.Pre.Add(b.Node("DynamicQuantizeLinear", [x], [y, ys, yz]));
        b.Pre.Add(b.Node("DequantizeLinear", [y, ys, yz], [dqd]));
        node.Inputs[0] = dqd;
        b.Require(11);
        return "activations: DynamicQuantizeLinear/DequantizeLinear uint8";
    }

    private static string FakeQuantize(Builder b, string layer, string x, QuantParams p, string scale)
    {
        string z = b.Init(layer + "_input_zero", Tensor.Scalar((float)p.ZeroPoint));
        string lo = b.Init(layer + "_input_qmin", Tensor.Scalar((float)p.QMin));
        string hi = b.Init(layer + "_input_qmax", Tensor.Scalar((float)p.QMax));
        string Step(string op, params string[] inputs)
        {
            string o = b.Unique($"{layer}_input_{op.ToLowerInvariant()}");
            b.Pre.Add(b.Node(op, inputs, [o]));
            return o;
        }
        string q = Step("Add", Step("Round", Step("Div", x, scale)), z);
        b.Require(11);
        return Step("Mul", Step("Sub", Step("Clip", q, lo, hi), z), scale);
    }

    /// <summary>
    /// Where a QDQ layer's output reaches the next layer's uint8-quantized input only through Relu, MaxPool, Flatten
    /// or Reshape, quantizes it right at the layer's output with the next layer's parameters. That is exact, not an
    /// approximation: an asymmetric quantizer maps 0 to its zero point and is monotone, so it commutes with Relu and
    /// max-pooling, and quantizing twice with the same parameters is quantizing once. It lets ONNX Runtime see
    /// DequantizeLinear → Conv/Gemm → QuantizeLinear and run the layer on its integer kernels (QLinearConv, QGemm)
    /// instead of in float. Returns how many outputs it quantized.
    /// </summary>
    private static int QuantizeOutputs(Builder b, ModelGraph graph)
    {
        var outputs = new HashSet<string>(graph.Outputs.Select(o => o.Name), StringComparer.Ordinal);
        var consumers = graph.Consumers();
        var producers = graph.Producers();
        int count = 0;
        foreach (var (input, (scale, zeroPoint)) in b.StaticInputs)
        {
            string value = input;
            Node? layer = null;
            while (producers.TryGetValue(value, out var p) && !outputs.Contains(value)
                   && consumers.TryGetValue(value, out var c) && c.Count == 1)
            {
                if (b.QdqLayers.Contains(p)) { layer = p; break; }
                bool passes = p.Domain.Length == 0 && p.Outputs.Count(o => o.Length > 0) == 1 && (p.OpType is "Relu" or "Flatten"
                    || (p.OpType == "MaxPool" && p.GetInt("ceil_mode", 0) == 0)
                    || (p.OpType == "Reshape" && graph.Initializers.ContainsKey(p.Inputs[1])));
                if (!passes) break;
                value = p.Inputs[0];
            }
            if (layer is null) continue;
            string raw = b.Unique(value + "_float");
            string q = b.Unique(value + "_quantized");
            layer.Outputs[0] = raw;
            int at = graph.Nodes.IndexOf(layer) + 1;
            graph.Nodes.Insert(at, b.Node("QuantizeLinear", [raw, scale, zeroPoint], [q]));
            graph.Nodes.Insert(at + 1, b.Node("DequantizeLinear", [q, scale, zeroPoint], [value]));
            count++;
        }
        return count;
    }

    // ---- weights ----

    private static string CastWeight(Builder b, Layer layer, FloatQuantizedWeight f)
    {
        var t = f.Data switch
        {
            Half[] h => new Tensor(DataType.Float16, (int[])f.Shape.Clone(), h),
            BFloat16[] bf => new Tensor(DataType.BFloat16, (int[])f.Shape.Clone(), bf),
            _ => throw new InvalidModelException($"Layer '{layer.Name}': a {f.Format.Name} weight holds {f.Data.GetType().Name}."),
        };
        string init = b.Init(layer.WeightName + "_" + f.Format.Name, t);
        string output = b.Unique(layer.WeightName + "_" + f.Format.Name + "_float");
        var cast = b.Node("Cast", [init], [output]);
        cast.Attributes["to"] = NodeAttribute.Of("to", (long)DataType.Float);
        b.Pre.Add(cast);
        if (f.Format.Kind == WeightFormatKind.Bf16) b.Require(13);
        return output;
    }

    /// <summary>Codes → DequantizeLinear → the fp32 weight in the layer's original layout; returns its value name.</summary>
    private static string DequantizeWeight(Builder b, Layer layer, AffineQuantizedWeight w, bool quantizedInput, out string how)
    {
        var l = new ChannelLayout(w.Shape, w.Axis);
        int c = l.Channels, rowLength = l.RowLength;
        int[] codes = new int[w.ElementCount];
        for (int ch = 0; ch < c; ch++)
            for (int i = 0; i < rowLength; i++) codes[ch * rowLength + i] = w.Code(ch, i);
        string baseName = layer.WeightName + "_" + w.Format.Name;
        string output = b.Unique(baseName + "_dequantized");
        var dq = b.Node("DequantizeLinear", [], [output]);
        string type = TypeName(w);
        b.Require(w.Bits == 4 ? 21 : 13);
        if (w.Bits == 4) b.Int4Dequantize = true;

        switch (w.Granularity.Kind)
        {
            case GranularityKind.PerTensor:
                dq.Inputs.AddRange([
                    b.Init(baseName + "_codes", CodeTensor(w, ScatterRows(codes, l), w.Shape)),
                    b.Init(baseName + "_scale", Tensor.Scalar(w.Scales[0]))]);
                AddZeroPoint(b, dq, w, baseName, [w.ZeroPoints?[0] ?? 0], []);
                b.Pre.Add(dq);
                how = $"{type} initializer -> DequantizeLinear per-tensor";
                return output;
            case GranularityKind.PerChannel:
                dq.Inputs.AddRange([
                    b.Init(baseName + "_codes", CodeTensor(w, ScatterRows(codes, l), w.Shape)),
                    b.Init(baseName + "_scale", Tensor.FromArray((float[])w.Scales.Clone(), c))]);
                AddZeroPoint(b, dq, w, baseName, w.ZeroPoints?.Select(z => (int)z).ToArray() ?? new int[c], [c]);
                dq.Attributes["axis"] = NodeAttribute.Of("axis", (long)w.Axis);
                b.Pre.Add(dq);
                how = $"{type} initializer -> DequantizeLinear per-channel (axis {w.Axis})";
                return output;
        }

        // Per-group: blocked DequantizeLinear (opset 21) along the row, so the blocks are exactly our groups.
        b.Require(21);
        int g = w.GroupSize, groups = w.GroupsPerRow;
        dq.Attributes["block_size"] = NodeAttribute.Of("block_size", (long)g);
        int[] zp = w.ZeroPoints?.Select(z => (int)z).ToArray() ?? new int[c * groups];
        // ONNX Runtime 1.31.1 fuses a quantized input with a blocked [K, N] weight into MatMulIntegerToFloat, which
        // then fails on the blocked scales; with a quantized input the weight takes the transposed path below instead.
        if (l.Inner == 1 && w.Shape.Length == 2 && w.Axis == 1 && !quantizedInput)
        {
            // [K, N] (MatMul, Gemm without transB): block the K axis in place, scales transposed to [groups, N].
            var scales = new float[groups * c];
            var zpt = new int[groups * c];
            for (int ch = 0; ch < c; ch++)
                for (int gr = 0; gr < groups; gr++) { scales[gr * c + ch] = w.Scales[ch * groups + gr]; zpt[gr * c + ch] = zp[ch * groups + gr]; }
            dq.Inputs.AddRange([b.Init(baseName + "_codes", CodeTensor(w, ScatterRows(codes, l), w.Shape)), b.Init(baseName + "_scale", Tensor.FromArray(scales, groups, c))]);
            AddZeroPoint(b, dq, w, baseName, zpt, [groups, c]);
            dq.Attributes["axis"] = NodeAttribute.Of("axis", 0L);
            b.Pre.Add(dq);
            how = $"{type} initializer -> DequantizeLinear blocked (axis 0, block_size {g})";
            return output;
        }
        // Channel-major [C, row] codes, blocked along the row; then back to the original layout.
        dq.Inputs.AddRange([b.Init(baseName + "_codes", CodeTensor(w, codes, [c, rowLength])), b.Init(baseName + "_scale", Tensor.FromArray((float[])w.Scales.Clone(), c, groups))]);
        AddZeroPoint(b, dq, w, baseName, zp, [c, groups]);
        dq.Attributes["axis"] = NodeAttribute.Of("axis", 1L);
        b.Pre.Add(dq);
        how = $"{type} initializer -> DequantizeLinear blocked (block_size {g})";
        if (l.Outer == 1 && w.Shape.Length == 2) return output;
        string rows = dq.Outputs[0] = b.Unique(baseName + "_rows");
        if (l.Outer > 1)
        {
            string r3 = Reshape(b, rows, [c, l.Outer, l.Inner], baseName + "_rows3d");
            string tr = b.Unique(baseName + "_transposed");
            var t = b.Node("Transpose", [r3], [tr]);
            t.Attributes["perm"] = NodeAttribute.Of("perm", new long[] { 1, 0, 2 });
            b.Pre.Add(t);
            rows = tr;
        }
        b.Pre.Add(b.Node("Reshape", [rows, b.Init(baseName + "_shape", Tensor.FromArray(w.Shape.Select(d => (long)d).ToArray(), w.Shape.Length))], [output]));
        return output;
    }

    private static string Reshape(Builder b, string x, int[] shape, string name)
    {
        string o = b.Unique(name);
        b.Pre.Add(b.Node("Reshape", [x, b.Init(name + "_shape", Tensor.FromArray(shape.Select(d => (long)d).ToArray(), shape.Length))], [o]));
        return o;
    }

    private static string TypeName(AffineQuantizedWeight w) => (w.Bits, w.Symmetric) switch
    {
        (8, true) => "INT8",
        (8, false) => "UINT8",
        (4, true) => "INT4",
        _ => "UINT4",
    };

    private static int[] ScatterRows(int[] rows, ChannelLayout l)
    {
        if (l.Outer == 1) return rows;
        var w = new int[rows.Length];
        int c = l.Channels, inner = l.Inner, len = l.RowLength;
        for (int o = 0; o < l.Outer; o++)
            for (int ch = 0; ch < c; ch++)
                Array.Copy(rows, ch * len + o * inner, w, (o * c + ch) * inner, inner);
        return w;
    }

    /// <summary>Codes as the element type DequantizeLinear reads: INT8/UINT8, or INT4/UINT4 packed two per byte.</summary>
    private static Tensor CodeTensor(AffineQuantizedWeight w, int[] codes, int[] shape) => (w.Bits, w.Symmetric) switch
    {
        (8, true) => Tensor.FromArray(codes.Select(v => (sbyte)v).ToArray(), (int[])shape.Clone()),
        (8, false) => Tensor.FromArray(codes.Select(v => (byte)v).ToArray(), (int[])shape.Clone()),
        _ => TensorProtoConverter.PackedFourBit(PackNibbles(codes), shape, w.Symmetric),
    };

    private static byte[] PackNibbles(ReadOnlySpan<int> values)
    {
        var packed = new byte[(values.Length + 1) / 2];
        for (int i = 0; i < values.Length; i++) packed[i >> 1] |= (byte)((values[i] & 0xF) << ((i & 1) * 4));
        return packed;
    }

    private static void AddZeroPoint(Builder b, Node dq, AffineQuantizedWeight w, string baseName, int[] zeroPoints, int[] shape)
    {
        // Symmetric int4 omits it (0 by default); symmetric int8 writes int8 zeros, the form ORT's QDQ fusions expect.
        if (w.Symmetric && w.Bits == 4) return;
        dq.Inputs.Add(b.Init(baseName + "_zero_point", CodeTensor(w, zeroPoints, shape)));
    }

    // ---- int4 MatMul / Gemm → MatMulNBits ----

    /// <summary>
    /// MatMulNBits' block: a power of two ≥ 16 that our scale groups are whole multiples of (a group then spans
    /// several blocks with the same scale, which is exact); per-tensor and per-channel scales repeat over any
    /// block. 0 when none fits (a group of 24, say): the layer then goes through DequantizeLinear.
    /// </summary>
    internal static int MatMulNBitsBlock(AffineQuantizedWeight w)
    {
        if (w.Granularity.Kind != GranularityKind.PerGroup)
        {
            int k = w.RowLength;
            return k >= 128 ? 128 : k >= 64 ? 64 : k >= 32 ? 32 : 16;
        }
        foreach (int block in (int[])[128, 64, 32, 16])
            if (w.GroupSize % block == 0) return block;
        return 0;
    }

    private static Node MatMulNBits(Builder b, Node node, QuantizedLayer ql, AffineQuantizedWeight w, out string how)
    {
        var layer = ql.Layer;
        int n = w.Channels, k = w.RowLength, block = MatMulNBitsBlock(w);
        int blocks = (k + block - 1) / block, blob = block / 2;
        var packed = new byte[(long)n * blocks * blob];
        var scales = new float[n * blocks];
        int zpRow = (blocks + 1) / 2;
        byte[]? zeroPoints = w.Symmetric ? null : new byte[n * zpRow];
        for (int ch = 0; ch < n; ch++)
        {
            long rowStart = (long)ch * blocks * blob * 2; // in nibbles
            for (int bl = 0; bl < blocks; bl++)
            {
                var p = w.Params(ch, bl * block);
                scales[ch * blocks + bl] = p.Scale;
                // Symmetric codes −7..7 are stored as code + 8 against MatMulNBits' default zero point 8.
                int pad = w.Symmetric ? 8 : p.ZeroPoint;
                if (zeroPoints is not null) zeroPoints[ch * zpRow + bl / 2] |= (byte)((p.ZeroPoint & 0xF) << ((bl & 1) * 4));
                for (int j = 0; j < block; j++)
                {
                    int i = bl * block + j;
                    int u = i < k ? (w.Symmetric ? w.Code(ch, i) + 8 : w.Code(ch, i)) : pad;
                    long nib = rowStart + i;
                    packed[nib >> 1] |= (byte)((u & 0xF) << (int)((nib & 1) * 4));
                }
            }
        }
        string baseName = layer.WeightName + "_int4";
        string a = node.Inputs[0];
        if (node.OpType == "Gemm" && node.GetInt("transA", 0) != 0)
        {
            string at = b.Unique(layer.Name + "_a_transposed");
            var t = b.Node("Transpose", [a], [at]);
            t.Attributes["perm"] = NodeAttribute.Of("perm", new long[] { 1, 0 });
            b.Pre.Add(t);
            a = at;
        }
        var inputs = new List<string>
        {
            a,
            b.Init(baseName + "_B", Tensor.FromArray(packed, n, blocks, blob)),
            b.Init(baseName + "_scales", Tensor.FromArray(scales, n * blocks)),
        };
        if (zeroPoints is not null) inputs.Add(b.Init(baseName + "_zero_points", Tensor.FromArray(zeroPoints, zeroPoints.Length)));
        string y = node.Outputs[0];
        bool gemm = node.OpType == "Gemm";
        float alpha = gemm ? node.GetFloat("alpha", 1f) : 1f, beta = gemm ? node.GetFloat("beta", 1f) : 1f;
        string? c = gemm ? node.Input(2) : null;
        bool tail = alpha != 1f || c is not null;
        string product = tail ? b.Unique(layer.Name + "_matmul") : y;
        var mm = new Node
        {
            Name = node.Name, OpType = "MatMulNBits", Domain = MicrosoftDomain,
            Inputs = inputs, Outputs = [product],
        };
        mm.Attributes["K"] = NodeAttribute.Of("K", (long)k);
        mm.Attributes["N"] = NodeAttribute.Of("N", (long)n);
        mm.Attributes["bits"] = NodeAttribute.Of("bits", 4L);
        mm.Attributes["block_size"] = NodeAttribute.Of("block_size", (long)block);
        mm.Attributes["accuracy_level"] = NodeAttribute.Of("accuracy_level", ql.Spec.QuantizesActivations ? 4L : 0L);
        b.UsesMicrosoftDomain = true;
        if (tail)
        {
            string current = product;
            if (alpha != 1f)
            {
                string scaled = c is null ? y : b.Unique(layer.Name + "_alpha");
                b.Post.Add(b.Node("Mul", [current, b.Init(layer.Name + "_alpha", Tensor.Scalar(alpha))], [scaled]));
                current = scaled;
            }
            if (c is not null)
            {
                string bias = c;
                if (beta != 1f)
                {
                    if (b.Graph.Initializers.TryGetValue(c, out var ct) && ct.Type == DataType.Float)
                        bias = b.Init(c + "_beta", Tensor.FromArray(ct.Floats.Select(v => v * beta).ToArray(), (int[])ct.Shape.Clone()));
                    else
                    {
                        bias = b.Unique(c + "_beta");
                        b.Pre.Add(b.Node("Mul", [c, b.Init(layer.Name + "_beta", Tensor.Scalar(beta))], [bias]));
                    }
                }
                b.Post.Add(b.Node("Add", [current, bias], [y]));
            }
        }
        how = $"MatMulNBits (bits 4, block_size {block}, {(w.Symmetric ? "default zero point 8" : "4-bit zero points")}, accuracy_level {mm.GetInt("accuracy_level", 0)})";
        return mm;
    }

    /// <summary>New names and nodes for one export.</summary>
    private sealed class Builder(ModelGraph graph)
    {
        private readonly HashSet<string> _names = Names(graph);

        public ModelGraph Graph { get; } = graph;
        public List<Node> Pre { get; } = [];
        public List<Node> Post { get; } = [];
        public int MinOpset { get; private set; }
        public bool UsesMicrosoftDomain { get; set; }
        public bool Int4Dequantize { get; set; }

        /// <summary>Value name → the uint8 scale and zero point a layer quantizes it with (static 8-bit inputs).</summary>
        public Dictionary<string, (string Scale, string ZeroPoint)> StaticInputs { get; } = new(StringComparer.Ordinal);

        /// <summary>Layers written as QDQ (int8 weights through DequantizeLinear): their outputs may be quantized too.</summary>
        public HashSet<Node> QdqLayers { get; } = [];

        public void Require(int opset) => MinOpset = Math.Max(MinOpset, opset);

        public string Unique(string name)
        {
            string n = name;
            for (int i = 1; !_names.Add(n); i++) n = string.Create(CultureInfo.InvariantCulture, $"{name}_{i}");
            return n;
        }

        public string Init(string name, Tensor t)
        {
            string n = Unique(name);
            Graph.Initializers[n] = t;
            return n;
        }

        public Node Node(string op, IEnumerable<string> inputs, IEnumerable<string> outputs)
        {
            List<string> o = [.. outputs];
            return new() { Name = Unique(o[0] + "_" + op), OpType = op, Inputs = [.. inputs], Outputs = o };
        }

        private static HashSet<string> Names(ModelGraph g)
        {
            var s = new HashSet<string>(g.Initializers.Keys, StringComparer.Ordinal);
            foreach (var n in g.Nodes)
            {
                s.Add(n.Name);
                foreach (var v in n.Inputs) s.Add(v);
                foreach (var v in n.Outputs) s.Add(v);
            }
            foreach (var v in g.Inputs) s.Add(v.Name);
            foreach (var v in g.Outputs) s.Add(v.Name);
            return s;
        }
    }
}

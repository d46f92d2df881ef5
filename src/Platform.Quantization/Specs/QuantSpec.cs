using Platform.Quantization.Calibration;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Platform.Quantization.Specs;

/// <summary>
/// The quantization recipe of a whole model: a default <see cref="LayerSpec"/>, per-layer overrides by layer
/// name, and a policy for the first and last layers. It is what a job stores and what a variant records,
/// as camelCase JSON with enums as strings (<see cref="ToJson"/>, <see cref="FromJson"/>).
/// </summary>
/// <remarks>
/// Precedence in <see cref="Resolve"/>: a named override wins (the user or the search chose it for that
/// layer), then the first/last policy, then the default. In JSON an override may list only the fields it
/// changes; the others are taken from "default".
/// </remarks>
public sealed record QuantSpec
{
    public LayerSpec Default { get; init; } = LayerSpec.Fp32;

    public Dictionary<string, LayerSpec> Overrides { get; init; } = new(StringComparer.Ordinal);

    public FirstLastLayerPolicy FirstLastLayers { get; init; } = FirstLastLayerPolicy.Default;

    /// <summary>
    /// The runtime the variant's latency is measured on: "ours" (our kernels, every format) or "onnxruntime" (ONNX
    /// Runtime on the exported model). Teams deploy on a runtime, so a job names the one whose latency counts.
    /// </summary>
    public string Runtime { get; init; } = LatencyRuntime.Ours;

    /// <summary>The spec the layer named <paramref name="layerName"/> gets.</summary>
    public LayerSpec Resolve(string layerName, bool isFirst = false, bool isLast = false)
    {
        ArgumentNullException.ThrowIfNull(layerName);
        if (Overrides.TryGetValue(layerName, out var o)) return o;
        if (!isFirst && !isLast) return Default;
        return FirstLastLayers switch
        {
            FirstLastLayerPolicy.KeepFp32 => LayerSpec.Fp32,
            FirstLastLayerPolicy.Int8 => Int8Like(Default),
            _ => Default,
        };
    }

    private static LayerSpec Int8Like(LayerSpec d)
    {
        // Activation quantization follows the default, except XNOR's 1-bit activations, which need binary weights.
        bool keepActs = d.QuantizesActivations && d.ActivationBits != 1;
        return LayerSpec.Int8WeightOnly with
        {
            Activations = keepActs ? d.Activations : ActivationMode.None,
            Calibration = d.Calibration,
            ActivationBits = 8,
            ActivationSymmetric = keepActs && d.ActivationSymmetric,
        };
    }

    /// <summary>Validates the default and every override.</summary>
    /// <exception cref="FormatException">Names the spec and the field at fault.</exception>
    public void Validate()
    {
        if (Default is null) throw new FormatException("QuantSpec: default is missing.");
        Default.Validate("default");
        if (Overrides is null) throw new FormatException("QuantSpec: overrides is null.");
        foreach (var (name, spec) in Overrides)
        {
            if (spec is null) throw new FormatException($"QuantSpec: override for layer '{name}' is null.");
            spec.Validate($"layer '{name}'");
        }
        if (!Enum.IsDefined(FirstLastLayers)) throw new FormatException($"QuantSpec: firstLastLayers = {(int)FirstLastLayers} is not a known policy.");
        if (Runtime is null || !LatencyRuntime.Names.Contains(Runtime, StringComparer.Ordinal))
            throw new FormatException($"QuantSpec: runtime = '{Runtime}' is not known (expected {string.Join(" or ", LatencyRuntime.Names.Select(n => $"'{n}'"))}).");
    }

    public static JsonSerializerOptions JsonOptions { get; } = CreateJsonOptions();

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var o = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            PropertyNameCaseInsensitive = true,
            WriteIndented = true,
            // a misspelt field must fail loudly, not silently fall back to a default
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads a spec written by <see cref="ToJson"/> (or by hand: overrides may be partial).</summary>
    /// <exception cref="FormatException">The JSON is malformed or a field is invalid; the message gives its path.</exception>
    public static QuantSpec FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        QuantSpec? spec;
        try
        {
            var node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })
                ?? throw new FormatException("QuantSpec JSON is null.");
            if (node is not JsonObject root) throw new FormatException($"QuantSpec JSON must be an object, not a {node.GetValueKind()}.");
            MergeDefaultIntoOverrides(root);
            spec = root.Deserialize<QuantSpec>(JsonOptions);
        }
        catch (JsonException e)
        {
            string at = string.IsNullOrEmpty(e.Path) ? "" : $" at {e.Path}";
            throw new FormatException($"Invalid QuantSpec JSON{at}: {e.Message}", e);
        }
        if (spec is null) throw new FormatException("QuantSpec JSON is null.");
        // the comparer is lost when the serializer builds the dictionary itself
        spec = spec with { Overrides = new Dictionary<string, LayerSpec>(spec.Overrides ?? [], StringComparer.Ordinal) };
        spec.Validate();
        return spec;
    }

    private static void MergeDefaultIntoOverrides(JsonObject root)
    {
        JsonObject? def = Find(root, "default") as JsonObject;
        if (Find(root, "overrides") is not JsonObject overrides || def is null) return;
        foreach (var (_, value) in overrides)
        {
            if (value is not JsonObject layer) continue;
            foreach (var (key, v) in def)
                if (!Has(layer, key)) layer[key] = v?.DeepClone();
        }
    }

    private static bool Has(JsonObject o, string key) => o.Any(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase));

    private static JsonNode? Find(JsonObject o, string key) =>
        o.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The names <see cref="Preset"/> knows.</summary>
    public static IReadOnlyList<string> PresetNames { get; } =
        ["fp32", "fp16", "bf16", "int8", "int8-dynamic", "int4", "int2", "binary", "xnor", "pq"];

    /// <summary>
    /// A named recipe:
    /// fp32; fp16 / bf16 (weights stored at 16 bits);
    /// int8 (per-channel symmetric int8 weights, static asymmetric uint8 activations, MSE calibration);
    /// int8-dynamic (the same weights, activation ranges measured per input at run time);
    /// int4 (weight-only, per-group g=32 asymmetric, first/last layers int8);
    /// int2 (weight-only, per-group g=16 asymmetric, first/last layers int8);
    /// binary (BinaryConnect weights, fp32 activations, first/last layers fp32);
    /// xnor (XNOR-Net: binary weights and binary activations, first/last layers fp32);
    /// pq (product quantization k=256 with d chosen per layer, first/last layers fp32).
    /// </summary>
    /// <exception cref="FormatException">Unknown name; the message quotes it and lists the known ones.</exception>
    public static QuantSpec Preset(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var int8Static = LayerSpec.Int8WeightOnly with
        {
            Activations = ActivationMode.Static,
            // MSE, not entropy: KL clipped post-ReLU inputs far too hard on small calibration sets (ADR 0006).
            Calibration = CalibrationMethod.Mse,
            ActivationBits = 8,
            ActivationSymmetric = false,
        };
        return name.Trim().ToLowerInvariant() switch
        {
            "fp32" => new QuantSpec(),
            "fp16" => new QuantSpec { Default = new LayerSpec { Weights = WeightFormat.Fp16 } },
            "bf16" => new QuantSpec { Default = new LayerSpec { Weights = WeightFormat.Bf16 } },
            "int8" => new QuantSpec { Default = int8Static },
            "int8-dynamic" => new QuantSpec { Default = int8Static with { Activations = ActivationMode.Dynamic, Calibration = CalibrationMethod.MinMax } },
            // g=32 keeps an outlier from widening the step of more than 32 weights; asymmetric uses all 16
            // levels where symmetric wastes one and half the range on skewed groups. Small CNN rows
            // (I·kh·kw = 27..288) hold 1..9 groups, so the scales add ≤ 1.25 bits per weight.
            "int4" => new QuantSpec
            {
                Default = new LayerSpec { Weights = WeightFormat.Int4, Granularity = Granularity.PerGroup(32), Symmetric = false },
                FirstLastLayers = FirstLastLayerPolicy.Int8,
            },
            "int2" => new QuantSpec
            {
                Default = new LayerSpec { Weights = WeightFormat.Int2, Granularity = Granularity.PerGroup(16), Symmetric = false },
                FirstLastLayers = FirstLastLayerPolicy.Int8,
            },
            "binary" => new QuantSpec
            {
                Default = new LayerSpec { Weights = WeightFormat.Binary },
                FirstLastLayers = FirstLastLayerPolicy.KeepFp32,
            },
            "xnor" => new QuantSpec
            {
                Default = new LayerSpec { Weights = WeightFormat.Binary, Activations = ActivationMode.Dynamic, ActivationBits = 1, ActivationSymmetric = true },
                FirstLastLayers = FirstLastLayerPolicy.KeepFp32,
            },
            "pq" => new QuantSpec
            {
                Default = new LayerSpec { Weights = WeightFormat.Pq() },
                FirstLastLayers = FirstLastLayerPolicy.KeepFp32,
            },
            _ => throw new FormatException($"Unknown QuantSpec preset '{name}' (known presets: {string.Join(", ", PresetNames)}; or pass a JSON object)."),
        };
    }

    /// <summary>A preset name, or a JSON object (text starting with '{').</summary>
    /// <exception cref="FormatException">Names the unknown preset, or the JSON path and field at fault.</exception>
    public static QuantSpec Parse(string presetNameOrJson)
    {
        ArgumentNullException.ThrowIfNull(presetNameOrJson);
        string s = presetNameOrJson.Trim();
        if (s.Length == 0) throw new FormatException($"Empty QuantSpec: pass a preset name ({string.Join(", ", PresetNames)}) or a JSON object.");
        return s[0] == '{' ? FromJson(s) : Preset(s);
    }

    public bool Equals(QuantSpec? other) =>
        other is not null
        && Default == other.Default
        && FirstLastLayers == other.FirstLastLayers
        && string.Equals(Runtime, other.Runtime, StringComparison.Ordinal)
        && Overrides.Count == other.Overrides.Count
        && Overrides.All(p => other.Overrides.TryGetValue(p.Key, out var v) && v == p.Value);

    public override int GetHashCode() => HashCode.Combine(Default, FirstLastLayers, Runtime, Overrides.Count);
}

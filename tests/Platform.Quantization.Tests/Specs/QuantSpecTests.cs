using Platform.Quantization.Calibration;
using Platform.Quantization.Specs;

namespace Platform.Quantization.Tests.Specs;

public class QuantSpecTests
{
    public static TheoryData<string> Presets() => new(QuantSpec.PresetNames);

    [Theory]
    [MemberData(nameof(Presets))]
    public void Presets_round_trip_through_json(string name)
    {
        var spec = QuantSpec.Parse(name);
        var json = spec.ToJson();
        var back = QuantSpec.Parse(json);
        Assert.Equal(spec, back);
        Assert.Equal(json, back.ToJson());
    }

    [Fact]
    public void Json_is_camel_case_with_enums_and_formats_as_strings()
    {
        var json = QuantSpec.Preset("int4").ToJson();
        Assert.Contains("\"default\":", json);
        Assert.Contains("\"weights\": \"int4\"", json);
        Assert.Contains("\"granularity\": \"per-group:32\"", json);
        Assert.Contains("\"activations\": \"none\"", json);
        Assert.Contains("\"firstLastLayers\": \"int8\"", json);
        Assert.Contains("\"calibration\": \"mse\"", QuantSpec.Preset("int8").ToJson());
    }

    [Fact]
    public void A_spec_with_overrides_round_trips()
    {
        var spec = QuantSpec.Preset("int8") with
        {
            Overrides = new()
            {
                ["fc"] = new LayerSpec { Weights = WeightFormat.Pq(256, 4) },
                ["conv2"] = new LayerSpec { Weights = WeightFormat.Int4, Granularity = Granularity.PerGroup(64), Symmetric = false },
            },
        };
        var back = QuantSpec.FromJson(spec.ToJson());
        Assert.Equal(spec, back);
        Assert.Equal(WeightFormat.Pq(256, 4), back.Resolve("fc").Weights);
        Assert.Equal(Granularity.PerGroup(64), back.Resolve("conv2").Granularity);
        Assert.NotEqual(spec, QuantSpec.Preset("int8"));
    }

    [Fact]
    public void Int8_preset_is_static_mse_uint8_activations_with_per_channel_symmetric_weights()
    {
        var d = QuantSpec.Preset("int8").Default;
        Assert.Equal(WeightFormat.Int8, d.Weights);
        Assert.Equal(Granularity.PerChannel, d.Granularity);
        Assert.True(d.Symmetric);
        Assert.Equal(ActivationMode.Static, d.Activations);
        Assert.Equal(CalibrationMethod.Mse, d.Calibration);
        Assert.Equal(8, d.ActivationBits);
        Assert.False(d.ActivationSymmetric);
        Assert.Equal(ActivationMode.Dynamic, QuantSpec.Preset("int8-dynamic").Default.Activations);
    }

    [Fact]
    public void First_and_last_layer_policies()
    {
        var binary = QuantSpec.Preset("binary");
        Assert.Equal(LayerSpec.Fp32, binary.Resolve("conv1", isFirst: true));
        Assert.Equal(LayerSpec.Fp32, binary.Resolve("fc", isLast: true));
        Assert.Equal(WeightFormat.Binary, binary.Resolve("conv2").Weights);

        var int4 = QuantSpec.Preset("int4");
        var first = int4.Resolve("conv1", isFirst: true);
        Assert.Equal(WeightFormat.Int8, first.Weights);
        Assert.Equal(ActivationMode.None, first.Activations);
        Assert.Equal(WeightFormat.Int4, int4.Resolve("conv2").Weights);

        Assert.Equal(WeightFormat.Pq(), QuantSpec.Preset("pq").Resolve("mid").Weights);
        Assert.Equal(LayerSpec.Fp32, QuantSpec.Preset("pq").Resolve("fc", isLast: true));
        Assert.Equal(QuantSpec.Preset("int8").Default, QuantSpec.Preset("int8").Resolve("conv1", isFirst: true));
    }

    [Fact]
    public void A_named_override_wins_over_the_first_last_policy()
    {
        var spec = QuantSpec.Preset("binary") with { Overrides = new() { ["conv1"] = LayerSpec.Int8WeightOnly } };
        Assert.Equal(LayerSpec.Int8WeightOnly, spec.Resolve("conv1", isFirst: true));
    }

    [Fact]
    public void Xnor_binarizes_activations_and_its_int8_fallback_does_not()
    {
        var x = QuantSpec.Preset("xnor");
        Assert.Equal(1, x.Default.ActivationBits);
        Assert.Equal(ActivationMode.Dynamic, x.Default.Activations);
        var int8Edges = x with { FirstLastLayers = FirstLastLayerPolicy.Int8 };
        Assert.Equal(ActivationMode.None, int8Edges.Resolve("fc", isLast: true).Activations);
    }

    [Fact]
    public void Partial_overrides_in_json_inherit_the_default()
    {
        const string json = """
            {
              "default": { "weights": "int8", "activations": "static", "calibration": "percentile" },
              "overrides": { "fc": { "weights": "fp16" } },
              "firstLastLayers": "keepFp32"
            }
            """;
        var spec = QuantSpec.Parse(json);
        var fc = spec.Resolve("fc");
        Assert.Equal(WeightFormat.Fp16, fc.Weights);
        Assert.Equal(ActivationMode.Static, fc.Activations);
        Assert.Equal(CalibrationMethod.Percentile, fc.Calibration);
        Assert.Equal(FirstLastLayerPolicy.KeepFp32, spec.FirstLastLayers);
    }

    [Theory]
    [InlineData("int9")]
    [InlineData("int8-static-please")]
    public void Unknown_presets_are_named(string name)
    {
        var e = Assert.Throws<FormatException>(() => QuantSpec.Parse(name));
        Assert.Contains($"'{name}'", e.Message);
        Assert.Contains("int8-dynamic", e.Message); // and the known ones are listed
    }

    [Theory]
    [InlineData("""{ "default": { "weigths": "int8" } }""", "weigths")]
    [InlineData("""{ "default": { "weights": "int9" } }""", "int9")]
    [InlineData("""{ "default": { "weights": "int9" } }""", "$.default.weights")]
    [InlineData("""{ "default": { "calibration": "kl" } }""", "calibration")]
    [InlineData("""{ "default": { "granularity": "per-group:0" } }""", "per-group:0")]
    [InlineData("""{ "firstLastLayers": "sometimes" }""", "firstLastLayers")]
    [InlineData("""{ "default": { "weights": "int8", "activations": "dynamic", "activationBits": 3 } }""", "activationBits")]
    [InlineData("""{ "overrides": { "fc": { "weights": "int8", "activations": "dynamic", "activationBits": 1 } } }""", "layer 'fc'")]
    [InlineData("""{ "default": """, "QuantSpec JSON")]
    [InlineData("""[1, 2]""", "object")]
    public void Bad_json_names_the_field(string json, string mention)
    {
        var e = Assert.Throws<FormatException>(() => QuantSpec.Parse(json));
        Assert.Contains(mention, e.Message);
    }

    [Fact]
    public void Parse_rejects_empty_text()
    {
        var e = Assert.Throws<FormatException>(() => QuantSpec.Parse("  "));
        Assert.Contains("preset", e.Message);
    }
}

using Platform.Quantization.Specs;

namespace Platform.Quantization.Tests.Specs;

public class QuantSpecRuntimeTests
{
    [Fact]
    public void Runtime_defaults_to_ours_and_is_serialized()
    {
        var spec = QuantSpec.Preset("int8");
        Assert.Equal("ours", spec.Runtime);
        Assert.Contains("\"runtime\": \"ours\"", spec.ToJson());
        Assert.Equal("ours", QuantSpec.FromJson("""{ "default": { "weights": "int8" } }""").Runtime);
    }

    [Fact]
    public void Onnxruntime_round_trips_and_takes_part_in_equality()
    {
        var spec = QuantSpec.Preset("int8") with { Runtime = "onnxruntime" };
        var back = QuantSpec.FromJson(spec.ToJson());
        Assert.Equal("onnxruntime", back.Runtime);
        Assert.Equal(spec, back);
        Assert.NotEqual(spec, QuantSpec.Preset("int8"));
    }

    [Theory]
    [InlineData("tensorrt")]
    [InlineData("OURS")]
    [InlineData("")]
    public void An_unknown_runtime_is_rejected_with_the_known_ones_named(string runtime)
    {
        var e = Assert.Throws<FormatException>(() => QuantSpec.FromJson($$"""{ "runtime": "{{runtime}}" }"""));
        Assert.Contains($"'{runtime}'", e.Message);
        Assert.Contains("'ours' or 'onnxruntime'", e.Message);
        Assert.Throws<FormatException>(() => (new QuantSpec { Runtime = runtime }).Validate());
    }
}

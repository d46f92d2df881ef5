using Platform.Quantization.Specs;

namespace Platform.Quantization.Tests.Specs;

public class WeightFormatTests
{
    [Theory]
    [InlineData("fp32", WeightFormatKind.Fp32)]
    [InlineData("fp16", WeightFormatKind.Fp16)]
    [InlineData("bf16", WeightFormatKind.Bf16)]
    [InlineData("int8", WeightFormatKind.Int8)]
    [InlineData("int4", WeightFormatKind.Int4)]
    [InlineData("int2", WeightFormatKind.Int2)]
    [InlineData("binary", WeightFormatKind.Binary)]
    public void Simple_names_round_trip(string name, WeightFormatKind kind)
    {
        var f = WeightFormat.Parse(name);
        Assert.Equal(kind, f.Kind);
        Assert.Equal(name, f.Name);
        Assert.Equal(f, WeightFormat.Parse(name.ToUpperInvariant()));
    }

    [Fact]
    public void Pq_names_carry_k_and_d()
    {
        var f = WeightFormat.Parse("pq:k=256,d=4");
        Assert.Equal((WeightFormatKind.Pq, 256, (int?)4), (f.Kind, f.K, f.D));
        Assert.Equal("pq:k=256,d=4", f.Name);
        var auto = WeightFormat.Parse("pq");
        Assert.Equal((256, (int?)null), (auto.K, auto.D));
        Assert.Equal("pq:k=256", auto.Name);
        Assert.Equal(WeightFormat.Pq(16, 9), WeightFormat.Parse("pq: d=9, k=16"));
    }

    [Theory]
    [InlineData("int3", "int3")]
    [InlineData("pq:k=0", "k=0")]
    [InlineData("pq:k=256,d=0", "d=0")]
    [InlineData("pq:x=4", "'x'")]
    [InlineData("pq:k=abc", "k=abc")]
    public void Bad_names_are_quoted(string name, string mention)
    {
        var e = Assert.Throws<FormatException>(() => WeightFormat.Parse(name));
        Assert.Contains(mention, e.Message);
    }

    [Theory]
    [InlineData("per-tensor", GranularityKind.PerTensor, 0)]
    [InlineData("per-channel", GranularityKind.PerChannel, 0)]
    [InlineData("per-group:32", GranularityKind.PerGroup, 32)]
    public void Granularity_names_round_trip(string name, GranularityKind kind, int g)
    {
        var x = Granularity.Parse(name);
        Assert.Equal((kind, g), (x.Kind, x.GroupSize));
        Assert.Equal(name, x.Name);
    }

    [Theory]
    [InlineData("per-group:0")]
    [InlineData("per-group:")]
    [InlineData("per-row")]
    public void Bad_granularities_are_quoted(string name)
    {
        var e = Assert.Throws<FormatException>(() => Granularity.Parse(name));
        Assert.Contains(name, e.Message);
    }
}

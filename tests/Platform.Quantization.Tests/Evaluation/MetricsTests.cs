using System.Text.Json;
using Platform.Quantization.Evaluation;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Tests.Evaluation;

public class MetricsTests
{
    [Fact]
    public void Top1_and_top5_on_hand_ranked_samples()
    {
        var logits = Tensor.FromArray(new float[]
        {
            0.1f, 0.9f, 0.3f, 0.2f, 0.0f, 0.5f, // label 1 is the max: top-1 and top-5
            5, 4, 3, 2, 1, 0,                   // label 4 is 5th: top-5 only
            0, 1, 2, 3, 4, 5,                   // label 0 is last (6th): neither
        }, 3, 6);
        var acc = new AccuracyAccumulator();
        acc.Add(logits, Tensor.FromArray(new long[] { 1, 4, 0 }, 3));
        var m = acc.Result();
        Assert.Equal(3, m.Samples);
        Assert.Equal(1.0 / 3, m.Top1, 12);
        Assert.Equal(2.0 / 3, m.Top5, 12);
    }

    [Fact]
    public void Accuracy_adds_up_over_batches_and_merges()
    {
        var a = new AccuracyAccumulator();
        a.Add(Tensor.FromArray(new double[] { 1, 0, 0, 1 }, 2, 2), Tensor.FromArray(new[] { 0, 0 }, 2)); // int32 labels; 1 of 2 right
        var b = new AccuracyAccumulator();
        b.Add(Tensor.FromArray(new[] { (Half)0, (Half)1 }, 1, 2, 1), Tensor.FromArray(new long[] { 1 }, 1, 1)); // [N,C,1] output, [N,1] labels
        a.Merge(b);
        Assert.Equal(3, a.Samples);
        Assert.Equal(2, a.Top1Correct);
        Assert.Equal(3, a.Top5Correct); // 2 classes: every label is in the top 5
    }

    [Fact]
    public void Ties_rank_like_a_stable_sort_and_nan_misses()
    {
        Assert.Equal(0, AccuracyAccumulator.Rank([1, 1, 1], 0));
        Assert.Equal(2, AccuracyAccumulator.Rank([1, 1, 1], 2));
        Assert.Equal(1, AccuracyAccumulator.Rank([double.NaN, 2, 3], 1)); // NaN elsewhere never outranks
        Assert.Equal(int.MaxValue, AccuracyAccumulator.Rank([0, double.NaN], 1));
    }

    [Fact]
    public void Bad_labels_are_named()
    {
        var acc = new AccuracyAccumulator();
        var logits = Tensor.Zeros(DataType.Float, 2, 3);
        Assert.Contains("Label 3", Assert.Throws<ArgumentOutOfRangeException>(() => acc.Add(logits, Tensor.FromArray(new long[] { 0, 3 }, 2))).Message);
        Assert.Throws<ShapeMismatchException>(() => acc.Add(logits, Tensor.FromArray(new long[] { 0 }, 1)));
        Assert.Throws<ArgumentException>(() => acc.Add(logits, Tensor.FromArray(new float[] { 0, 1 }, 2)));
        Assert.Throws<InvalidOperationException>(acc.Result);
    }

    // ref [[3,4],[0,1]], q [[3,3],[0,2]]: Σref² = 26, Σerr² = 2, max |err| = 1;
    // cosines 21/(5·√18) and 1; argmax ref (1, 1), q (0 on the tie, 1): agreement 1/2.
    private static readonly float[] Ref = [3, 4, 0, 1];
    private static readonly float[] Quant = [3, 3, 0, 2];

    [Fact]
    public void Fidelity_on_a_known_error()
    {
        var f = new FidelityAccumulator();
        f.Add(Tensor.FromArray(Ref, 2, 2), Tensor.FromArray(Quant, 2, 2));
        var m = f.Result();
        Assert.Equal(2, m.Samples);
        Assert.Equal(4, m.Elements);
        Assert.Equal(0.5, m.Top1Agreement);
        Assert.Equal(10 * Math.Log10(13), m.SqnrDb, 10);
        Assert.Equal(11.139433523068368, m.SqnrDb, 10);
        Assert.Equal(Math.Sqrt(1.0 / 13), m.RelativeL2Error, 12);
        Assert.Equal(1.0, m.MaxAbsError);
        Assert.Equal((21 / (5 * Math.Sqrt(18)) + 1) / 2, m.MeanCosine, 12);
        Assert.Equal(0, m.NonFiniteElements);
    }

    [Fact]
    public void Fidelity_adds_up_over_batches_and_merges()
    {
        var one = new FidelityAccumulator();
        one.Add(Tensor.FromArray(Ref[..2], 1, 2), Tensor.FromArray(Quant[..2], 1, 2));
        var two = new FidelityAccumulator();
        two.Add(Tensor.FromArray(Ref[2..], 1, 2), Tensor.FromArray(Quant[2..], 1, 2));
        one.Merge(two);
        var whole = new FidelityAccumulator();
        whole.Add(Tensor.FromArray(Ref, 2, 2), Tensor.FromArray(Quant, 2, 2));
        Assert.Equal(whole.Result(), one.Result());
    }

    [Fact]
    public void Identical_outputs_have_infinite_sqnr_written_as_null()
    {
        var f = new FidelityAccumulator();
        f.Add(Tensor.FromArray(Ref, 2, 2), Tensor.FromArray(Ref, 2, 2));
        var m = f.Result();
        Assert.Equal(double.PositiveInfinity, m.SqnrDb);
        Assert.Equal(0, m.RelativeL2Error);
        Assert.Equal(1, m.MeanCosine, 12);
        Assert.Equal(1, m.Top1Agreement);
        Assert.Equal(200, m.SqnrDbCapped());

        string json = JsonSerializer.Serialize(m);
        Assert.Contains("\"SqnrDb\":null", json);
        var back = JsonSerializer.Deserialize<FidelityMetrics>(json)!;
        Assert.Equal(double.PositiveInfinity, back.SqnrDb);
        Assert.Equal(m, back);
    }

    [Fact]
    public void Zero_rows_and_non_finite_values()
    {
        var f = new FidelityAccumulator();
        // row 0: both zero (cosine 1); row 1: ref zero, q not (cosine 0); row 2: a NaN left out and counted
        f.Add(Tensor.FromArray(new float[] { 0, 0, 0, 0, 1, 2 }, 3, 2), Tensor.FromArray(new float[] { 0, 0, 0, 3, float.NaN, 2 }, 3, 2));
        var m = f.Result();
        Assert.Equal(1, m.NonFiniteElements);
        Assert.Equal(5, m.Elements);
        Assert.Equal((1 + 0 + 1) / 3.0, m.MeanCosine, 12);
        Assert.Equal(10 * Math.Log10(4.0 / 9), m.SqnrDb, 10);
        Assert.Equal(3, m.MaxAbsError);

        Assert.Equal(double.NegativeInfinity, FidelityAccumulator.Sqnr(0, 1));
        Assert.Equal(double.PositiveInfinity, FidelityAccumulator.Sqnr(0, 0));
        Assert.Throws<ShapeMismatchException>(() => f.Add(Tensor.Zeros(DataType.Float, 2, 2), Tensor.Zeros(DataType.Float, 2, 3)));
    }
}

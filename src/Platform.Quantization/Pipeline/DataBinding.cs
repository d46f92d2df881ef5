using Platform.Quantization.Evaluation;
using Platform.Quantization.Graph;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Pipeline;

/// <summary>
/// Which data-set array feeds which model input (an array named after the input, or `x` for a model with
/// one input), checked against the model's declared shapes before anything runs, and the batch size the
/// model allows (a fixed first dim wins).
/// </summary>
public sealed class DataBinding
{
    public const string LabelArray = "y";

    private readonly (string Input, string Array, DataType Type)[] _map;

    public IReadOnlyList<string> Arrays => _map.Select(m => m.Array).ToArray();
    /// <summary>The input arrays, plus the labels when the data set has them.</summary>
    public IReadOnlyList<string> ArraysToRead => HasLabels ? Arrays.Append(LabelArray).Distinct().ToArray() : Arrays;
    public bool HasLabels { get; }
    public int BatchSize { get; }
    public int Samples { get; }

    public DataBinding(ModelGraph graph, NpzDataSet data, int preferredBatchSize, string dataName)
    {
        var map = new List<(string, string, DataType)>();
        int? fixedBatch = null;
        foreach (var input in graph.Inputs)
        {
            string? array = data.Contains(input.Name) ? input.Name
                : graph.Inputs.Count == 1 && data.Contains(NpzDataSet.InputName) ? NpzDataSet.InputName : null;
            if (array is null)
                throw new InvalidDataSetException($"Data set '{dataName}' has no array for model input '{input.Name}' " +
                    $"(arrays: {string.Join(", ", data.Arrays.Select(a => a.Name))}; name an array after the input, or `x` for a one-input model).");
            var info = data.GetArray(array);
            CheckShape(input, info, dataName);
            if (input.Shape is { Length: > 0 } s && s[0].Value is long b && b > 0) fixedBatch = (int)b;
            var type = input.ElementType == DataType.Undefined ? info.DataType : input.ElementType;
            map.Add((input.Name, array, type));
        }
        _map = [.. map];
        HasLabels = data.Contains(LabelArray);
        var names = _map.Select(m => m.Array).Concat(HasLabels ? [LabelArray] : []).Distinct().ToArray();
        Samples = data.SampleCount(names);
        BatchSize = fixedBatch ?? Math.Max(1, preferredBatchSize);
    }

    private static void CheckShape(ValueInfo input, NpzArrayInfo info, string dataName)
    {
        if (input.Shape is null) return;
        var a = info.Shape;
        if (a.Count != input.Shape.Length)
            throw new InvalidDataSetException($"Data set '{dataName}' array '{info.Name}' has shape {TensorShape.Format(a.ToArray())} " +
                $"but model input '{input.Name}' has rank {input.Shape.Length} ({Describe(input)}).");
        for (int i = 1; i < a.Count; i++)
            if (input.Shape[i].Value is long d && d != a[i])
                throw new InvalidDataSetException($"Data set '{dataName}' array '{info.Name}' has samples of shape " +
                    $"{TensorShape.Format(a.Skip(1).ToArray())} but model input '{input.Name}' expects {Describe(input)}.");
    }

    private static string Describe(ValueInfo v) => "[" + string.Join(',', v.Shape!.Select(d => d.ToString())) + "]";

    /// <summary>Model inputs of one batch, converted to the element type each input declares.</summary>
    public Dictionary<string, Tensor> Inputs(DataBatch batch)
    {
        var d = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (input, array, type) in _map) d[input] = Convert(batch[array], type);
        return d;
    }

    public static Tensor Convert(Tensor t, DataType type)
    {
        if (t.Type == type) return t;
        if (type == DataType.Float) return new Tensor(DataType.Float, t.Shape, t.ToFloatArray());
        if (type == DataType.Int64) return new Tensor(DataType.Int64, t.Shape, t.ToInt64Array());
        if (type == DataType.Int32)
        {
            var r = new int[t.Length];
            for (int i = 0; i < r.Length; i++) r[i] = checked((int)t.GetInt64(i));
            return new Tensor(DataType.Int32, t.Shape, r);
        }
        throw new InvalidDataSetException($"Data of type {t.Type} cannot feed a model input of type {type}.");
    }
}

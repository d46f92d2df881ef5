using System.Globalization;
using System.Text.Json;
using Platform.Data.Entities;
using Platform.Quantization.Inspection;
using Platform.Web.DataSets;

namespace Platform.Web.Jobs;

/// <summary>
/// Whether a data set can feed a model, judged from what the uploads stored (the model's inputs, the data
/// set's arrays) with the rule the engine's DataBinding applies when the job runs: an array named after each
/// input, or <c>x</c> for a one-input model, of the same rank, each fixed per-sample dim equal. Checking
/// here turns a job that would fail on a worker minutes later into a 422 now.
/// </summary>
public static class DataFit
{
    private const string OneInputArray = "x";

    /// <summary>Null when it fits; otherwise what does not, naming the input, the array and both shapes.</summary>
    /// <param name="role">"calibration" or "evaluation", for the message.</param>
    public static string? Problem(Model model, DataSet dataSet, string role)
    {
        var inputs = JsonSerializer.Deserialize<List<ValueSummary>>(model.InputsJson, JsonSerializerOptions.Web) ?? [];
        var arrays = (JsonSerializer.Deserialize<List<DataSetArrayResponse>>(dataSet.ArraysJson, JsonSerializerOptions.Web) ?? [])
            .ToDictionary(a => a.Name, StringComparer.Ordinal);
        string what = $"The {role} data set '{dataSet.Name}' ({dataSet.Id})";

        if (dataSet.Samples <= 0) return $"{what} has no samples.";
        foreach (var input in inputs)
        {
            if (!arrays.TryGetValue(input.Name, out var array) && !(inputs.Count == 1 && arrays.TryGetValue(OneInputArray, out array)))
                return $"{what} has no array for input '{input.Name}' of model '{model.Name}' " +
                       $"(its arrays: {string.Join(", ", arrays.Keys.Order(StringComparer.Ordinal))}). " +
                       $"Name an array after the input{(inputs.Count == 1 ? ", or 'x' for a one-input model" : "")}.";
            if (input.Shape is not { } expected) continue;

            var found = array.Shape;
            if (found.Count != expected.Count)
                return $"{what}: array '{array.Name}' has shape {Format(found)} but input '{input.Name}' of model '{model.Name}' " +
                       $"expects rank {expected.Count} ({Format(expected)}), per sample {Format(expected.Skip(1))}.";
            for (int i = 1; i < found.Count; i++)
            {
                if (long.TryParse(expected[i], NumberStyles.None, CultureInfo.InvariantCulture, out long dim) && dim > 0 && dim != found[i])
                    return $"{what}: array '{array.Name}' has samples of shape {Format(found.Skip(1))} but input '{input.Name}' " +
                           $"of model '{model.Name}' expects samples of shape {Format(expected.Skip(1))} (dim {i}: expected {dim}, found {found[i]}).";
            }
        }
        return null;
    }

    private static string Format<T>(IEnumerable<T> dims) => "[" + string.Join(',', dims) + "]";
}

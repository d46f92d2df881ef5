using Npgsql;
using Platform.Data.Artifacts;
using Platform.Quantization.Evaluation;
using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Worker.Jobs;

/// <summary>Sorts what went wrong in a job: transient infrastructure (retry), bad input (fail, a person fixes it), or a bug.</summary>
public static class JobErrors
{
    /// <summary>A database or network hiccup worth retrying the message for.</summary>
    public static bool IsTransient(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is NpgsqlException { IsTransient: true } or TimeoutException) return true;
        return false;
    }

    /// <summary>The input is at fault: running it again gives the same error, so it is never retried.</summary>
    public static bool IsBadInput(Exception e) => e is InvalidModelException or InvalidDataSetException or UnsupportedOperatorException
        or ShapeMismatchException or ModelExecutionException or FormatException or ArtifactNotFoundException or JobInputException;

    /// <summary>The message stored on the failed job: what is wrong, then which job inputs it concerns.</summary>
    public static string Describe(Exception e, JobInputs? inputs, JobScratch? scratch, Guid jobId)
    {
        string message = scratch?.Unroot(e.Message) ?? e.Message;
        string model = inputs is null ? "the model" : $"Model '{inputs.Model.Name}'";
        string what = e switch
        {
            UnsupportedOperatorException => $"{model} uses operators the engine does not implement. {message}. " +
                                            "Export it without them (or with supported equivalents) and submit it again.",
            InvalidModelException => $"{model} is not a usable ONNX model: {message}",
            ModelExecutionException or ShapeMismatchException =>
                $"{model} failed while running on the job's data: {message}. Check that the data sets match the model's inputs.",
            InvalidDataSetException => $"{message}",
            FormatException => $"The job's quantization spec is invalid: {message}",
            ArtifactNotFoundException => $"The stored bytes of an input are missing ({message}); upload the model or data set again.",
            JobInputException => message,
            _ => $"Unexpected {e.GetType().Name} in the worker: {message}. This is a bug, not a problem with the inputs: " +
                 $"report it with job id {jobId}.",
        };
        return inputs is null ? what : $"{what} (job {jobId}: {inputs.Describe()})";
    }
}

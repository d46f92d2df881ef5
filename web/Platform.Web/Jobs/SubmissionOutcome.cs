using Platform.Data.Entities;

namespace Platform.Web.Jobs;

/// <summary>The jobs a submission stored (in request order) and their batch, or the problem that stored nothing.</summary>
public sealed record SubmissionOutcome(IReadOnlyList<Job> Jobs, Batch? Batch, SubmissionProblem? Problem)
{
    public static SubmissionOutcome Refused(SubmissionProblem problem) => new([], null, problem);
}

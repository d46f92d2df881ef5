namespace Platform.Web.Jobs;

/// <summary>Why a submission was refused: the HTTP status and a ProblemDetails title and detail that name the problem.</summary>
public sealed record SubmissionProblem(int StatusCode, string Title, string Detail)
{
    public IResult ToResult() => Results.Problem(statusCode: StatusCode, title: Title, detail: Detail);

    public SubmissionProblem At(string where) => this with { Detail = $"{where}: {Detail}" };

    internal static SubmissionProblem BadRequest(string detail) => new(400, "Invalid job request", detail);
}

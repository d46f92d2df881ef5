using System.Globalization;
using System.Threading.RateLimiting;
using Platform.Web.Auth;

namespace Platform.Web.Jobs;

/// <summary>
/// Per-team limit on submissions in flight (POST /jobs, POST /batches): a few run at once, a generous queue
/// waits its turn, and beyond that the request answers 429 with Retry-After before its body is read, so a
/// refused submission stores nothing. One team's burst cannot starve the others' submissions.
/// </summary>
public sealed class SubmitRateLimit : IDisposable
{
    private readonly JobsOptions _options;
    private readonly PartitionedRateLimiter<Guid> _limiter;

    public SubmitRateLimit(JobsOptions options)
    {
        _options = options;
        _limiter = PartitionedRateLimiter.Create<Guid, Guid>(team => RateLimitPartition.GetConcurrencyLimiter(team, _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = options.SubmitConcurrencyPerTeam,
            QueueLimit = options.SubmitQueuePerTeam,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        }));
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        using var lease = await _limiter.AcquireAsync(http.User.TeamIdOf(), 1, http.RequestAborted);
        if (!lease.IsAcquired)
        {
            http.Response.Headers.RetryAfter = _options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many submissions",
                detail: $"Your team has {_options.SubmitConcurrencyPerTeam} submissions running and {_options.SubmitQueuePerTeam} waiting, " +
                        $"the most allowed ({JobsOptions.Section}:SubmitConcurrencyPerTeam, SubmitQueuePerTeam). Nothing was stored: " +
                        $"retry after {_options.RetryAfterSeconds} s, or submit many jobs at once as a batch.");
        }
        return await next(context);
    }

    public void Dispose() => _limiter.Dispose();
}

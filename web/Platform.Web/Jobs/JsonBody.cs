using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Platform.Web.Jobs;

/// <summary>
/// Reads a JSON body with the app's options (enums as camelCase strings) and turns what the framework would
/// answer with a bare 400 into a ProblemDetails that says what is wrong and where (the JSON path).
/// </summary>
public static class JsonBody
{
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        if (!request.HasJsonContentType())
            return (null, Results.Problem(statusCode: 415, title: "Unsupported media type",
                detail: $"Send the body as application/json (Content-Type was '{request.ContentType ?? "missing"}')."));
        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, options, ct);
            return value is null
                ? (null, Results.Problem(statusCode: 400, title: "Invalid request body", detail: "The body is JSON null; send an object."))
                : (value, null);
        }
        catch (JsonException e)
        {
            string at = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at {e.Path}";
            return (null, Results.Problem(statusCode: 400, title: "Invalid request body",
                detail: $"The body is not a valid {Describe<T>()}{at}: {Explain(e)}"));
        }
    }

    private static string Describe<T>() => typeof(T).Name switch
    {
        "SubmitJobRequest" => "job request",
        "SubmitBatchRequest" => "batch request",
        var n => n,
    };

    // For an unknown enum string System.Text.Json only says it could not convert the value: say which values exist.
    private static string Explain(JsonException e)
    {
        string field = e.Path is { } p ? p[(p.LastIndexOf('.') + 1)..] : "";
        return e.Message.Contains("could not be converted", StringComparison.Ordinal) && KnownValues.TryGetValue(field, out var values)
            ? $"the value is not one of {values} (enum values are case-insensitive strings)."
            : e.Message;
    }

    private static readonly Dictionary<string, string> KnownValues = new(StringComparer.OrdinalIgnoreCase)
    {
        ["kind"] = "\"quantize\", \"search\"",
        ["device"] = "\"cpu\", \"cuda\", \"any\"",
    };
}

namespace Platform.Web.Uploads;

/// <summary>
/// A multipart upload (`file`, `name`) read by the form reader, which spools a file part of more
/// than 64 KiB to a temporary file: the engine reads it from there (it needs a seekable stream), and
/// the artifact store copies it from there chunk by chunk, so no upload sits whole in memory.
/// </summary>
public sealed record UploadForm(IFormFile File, string Name)
{
    public const int MaxNameLength = 200;

    /// <summary>The form, or the problem to answer: 400 for a malformed or incomplete form, 413 when it is over <paramref name="maxBytes"/>.</summary>
    public static async Task<(UploadForm? Form, IResult? Problem)> ReadAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        if (!request.HasFormContentType || request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) != true)
            return (null, Results.Problem(statusCode: 400, title: "Not a multipart upload",
                detail: $"Expected multipart/form-data with a 'file' part and a 'name' field; the request is '{request.ContentType ?? "without a content type"}'."));
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(maxBytes));
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            return (null, TooLarge(maxBytes));
        }
        catch (InvalidDataException e)
        {
            return (null, Results.Problem(statusCode: 400, title: "Malformed multipart body", detail: e.Message));
        }

        var file = form.Files.GetFile("file");
        if (file is null)
            return (null, Results.Problem(statusCode: 400, title: "No file",
                detail: $"The form has no 'file' part{(form.Files.Count > 0 ? $" (it has {string.Join(", ", form.Files.Select(f => $"'{f.Name}'"))})" : "")}."));
        if (file.Length > maxBytes) return (null, TooLarge(maxBytes));

        string name = form["name"].ToString().Trim();
        if (name.Length == 0) name = Path.GetFileNameWithoutExtension(file.FileName);
        if (name.Length == 0 || name.Length > MaxNameLength)
            return (null, Results.Problem(statusCode: 400, title: "Invalid name",
                detail: $"'name' must be 1 to {MaxNameLength} characters (without it, the file name is used); it is {name.Length}."));
        return (new UploadForm(file, name), null);
    }

    public static IResult TooLarge(long maxBytes) =>
        Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Upload too large",
            detail: $"The upload is larger than the limit of {maxBytes} bytes (Artifacts:MaxBytes); nothing was stored.");

}

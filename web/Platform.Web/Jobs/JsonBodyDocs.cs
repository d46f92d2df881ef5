using Microsoft.OpenApi;

namespace Platform.Web.Jobs;

/// <summary>
/// Documents a JSON body the handler reads itself (<see cref="JsonBody"/>). <c>Accepts&lt;T&gt;</c> would do it
/// too, but it also makes routing answer a wrong Content-Type with a bare 415; this way the handler's 415 says what to send.
/// </summary>
public static class JsonBodyDocs
{
    public static RouteHandlerBuilder DocumentJsonBody<T>(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, ct);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        });
}

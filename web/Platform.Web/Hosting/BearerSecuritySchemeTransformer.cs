using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Platform.Web.Auth;

namespace Platform.Web.Hosting;

/// <summary>Declares the bearer token in the OpenAPI document, so the interactive UI can send it.</summary>
public sealed class BearerSecuritySchemeTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerTokenHandler.SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "A team's API token (qp_...), from POST /api/v1/tokens or the bootstrap admin token.",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerTokenHandler.SchemeName, document)] = [] }];
        return Task.CompletedTask;
    }
}

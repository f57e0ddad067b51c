using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Ledger.Api.Hosting;

/// <summary>
/// The parts of the HTTP contract (docs/api.md) that ASP.NET Core's generator cannot see in the endpoint
/// declarations: that a token is needed where the fallback policy demands one, the answers every protected
/// endpoint may give before its handler runs, and the headers the write pipeline reads itself.
/// </summary>
public static class OpenApiContract
{
    public const string BearerScheme = "Bearer";

    /// <summary>Tags in the order a reader meets the ledger; every operation carries one of them.</summary>
    public static readonly IReadOnlyList<(string Name, string Description)> Tags =
    [
        ("Households", "Open, find, read and split households; coverage as of a date and as known at an instant; history and replay."),
        ("Members", "People joining and leaving a household, and corrections of their details."),
        ("Privacy", "PIPL consent and erasure requests."),
        ("Policies", "Applications, underwriting, insured persons, vehicles, beneficiaries, premiums and the policy lifecycle."),
        ("Claims", "Claims, adjudicated at once against cover, deductibles and limits; review and payment."),
        ("Registers", "Claims and renewals across households, and the automation report (async projections)."),
        ("Audit", "The regulator's audit trail, its hash-chain proofs, the read log and the FHIR export."),
    ];

    /// <summary>
    /// Header parameters every household write reads (WriteEndpoint), described as docs/api.md does. Only the
    /// idempotency key is limited as sent; the others are limited once percent-decoded, which a schema cannot say.
    /// </summary>
    private static readonly (string Name, string Description, int? MaxLength)[] WriteHeaders =
    [
        ("If-Match", "Apply only if the household is at this version (the ETag of a read or write, e.g. \"7\"); otherwise 412 VersionMismatch and nothing is appended. W/\"7\", 7 and * are accepted.", null),
        ("Idempotency-Key", "1–200 characters. The first successful answer for this key is stored with the events; a repeat returns it verbatim with Idempotent-Replayed: true and appends nothing. The same key with a different request is 422 IdempotencyKeyReused; a refused request does not use its key up.", 200),
        ("X-Reason", $"Why the change is made (at most {Ledger.Domain.Check.MaxReasonLength} characters), recorded on the events; percent-encode non-ASCII text (%E5%87%BA%E7%94%9F).", null),
        ("X-Correlation-Id", "Stored as the events' correlation id (at most 200 characters); defaults to the request's trace id.", null),
        ("X-Causation-Id", "Stored as the events' causation id (at most 200 characters); defaults to http:<request id>.", null),
    ];

    private static readonly (int Status, string Description)[] ProtectedAnswers =
    [
        (StatusCodes.Status401Unauthorized, "Unauthorized: no token, or one that is invalid or expired."),
        (StatusCodes.Status403Forbidden, "Forbidden: the token's roles do not allow this endpoint, or it names no single tenant."),
        (StatusCodes.Status429TooManyRequests, "TooManyRequests: more than Ledger:RateLimit:PerMinute requests a minute from one user or address."),
        (StatusCodes.Status503ServiceUnavailable, "DatabaseUnavailable: PostgreSQL cannot be reached; retry after Retry-After seconds."),
    ];

    public static OpenApiOptions AddLedgerContract(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Ledger API";
            document.Info.Description = "Event-sourced household insurance ledger. Every operation but /health/* and this document needs "
                                        + "Authorization: Bearer <JWT> (ledger token --role ... prints one). docs/api.md is the contract.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT with `name`, one `tenant` and `role` claims (docs/security.md).",
            };
            document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
            // The generator names the host the document was asked from with a trailing slash, which joins
            // paths into "//households" in some clients.
            foreach (var server in document.Servers ?? [])
                if (server.Url is { Length: > 1 } url && url.EndsWith('/')) server.Url = url.TrimEnd('/');
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            // Everything not marked anonymous falls under the fallback policy: a token is needed.
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any()) return Task.CompletedTask;
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });
            operation.Responses ??= new OpenApiResponses();
            foreach (var (status, description) in ProtectedAnswers)
                operation.Responses.TryAdd(status.ToString(System.Globalization.CultureInfo.InvariantCulture), Problem(description, context.Document,
                    retryAfter: status == StatusCodes.Status503ServiceUnavailable));
            return Task.CompletedTask;
        });
        return options;
    }

    /// <summary>Declares the headers of the shared write pipeline on one endpoint.</summary>
    public static TBuilder DeclaresWriteHeaders<TBuilder>(this TBuilder endpoint) where TBuilder : IEndpointConventionBuilder =>
        endpoint.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            foreach (var (name, description, maxLength) in WriteHeaders)
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = name,
                    In = ParameterLocation.Header,
                    Description = description,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = maxLength },
                });
            return Task.CompletedTask;
        });

    private static OpenApiResponse Problem(string description, OpenApiDocument? document, bool retryAfter) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", document) },
        },
        Headers = retryAfter
            ? new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait before retrying.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
            }
            : null,
    };
}

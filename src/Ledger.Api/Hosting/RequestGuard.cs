using System.Text.RegularExpressions;
using Ledger.Domain;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Hosting;

/// <summary>
/// Refusals decided from a request's shape alone, in one place, so that each is problem+json with a code like every
/// other refusal. Kestrel's own limits are set well above the ledger's: Kestrel answers with an empty body, the
/// ledger with a problem that says what to change, so Kestrel's answer is left for requests far beyond the limits.
/// </summary>
public static partial class RequestGuard
{
    /// <summary>Request line target (path and query), in bytes as sent.</summary>
    public const int MaxTargetLength = 8 * 1024;

    /// <summary>All header names and values together, in characters.</summary>
    public const int MaxHeadersSize = 32 * 1024;

    public const int MaxHeaderCount = 100;

    private const int KestrelMargin = 8;

    public static WebApplicationBuilder AddRequestGuard(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(o =>
        {
            o.Limits.MaxRequestLineSize = KestrelMargin * MaxTargetLength;
            o.Limits.MaxRequestHeadersTotalSize = KestrelMargin * MaxHeadersSize;
            o.Limits.MaxRequestHeaderCount = KestrelMargin * MaxHeaderCount;
            o.ConfigureEndpointDefaults(RequestTargetEncoding.Use);
        });
        // A query value that does not bind (?limit=999999999999) throws instead of answering a bare 400, so it
        // reaches the exception handler and becomes a ValidationFailed problem naming the parameter.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return builder;
    }

    /// <summary>Early in the pipeline, before authentication: the request's size and shape.</summary>
    public static IApplicationBuilder UseRequestShapeGuard(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (ShapeRefusal(http) is { } refusal)
        {
            await refusal.ExecuteAsync(http);
            return;
        }
        await next();
    });

    /// <summary>
    /// After authorization, before any endpoint: a route id that no record can have (the all-zero GUID, which Marten
    /// refuses as a stream or document id) names nothing, so it is 404 like an unknown id, for every route at once.
    /// </summary>
    public static IApplicationBuilder UseRouteIdGuard(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        foreach (var (key, value) in http.Request.RouteValues)
        {
            if (key.EndsWith("Id", StringComparison.Ordinal) && value is string text && Guid.TryParse(text, out var id) && id == Guid.Empty)
            {
                await UnknownId(key, text).ExecuteAsync(http);
                return;
            }
        }
        await next();
    });

    private static ProblemHttpResult UnknownId(string routeKey, string text)
    {
        var (code, what) = routeKey switch
        {
            "householdId" => ("UnknownHousehold", "household"),
            "personId" => ("UnknownPerson", "person"),
            "policyId" => ("UnknownPolicy", "policy"),
            "claimId" => ("UnknownClaim", "claim"),
            _ => ("NotFound", "record"),
        };
        return Problems.Of(StatusCodes.Status404NotFound, code, "Not found.", $"'{text}' names no {what}: the all-zero id is never assigned.");
    }

    private static ProblemHttpResult? ShapeRefusal(HttpContext http)
    {
        var request = http.Request;
        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path + request.QueryString;
        if (target.Length > MaxTargetLength)
            return Problems.Of(StatusCodes.Status414UriTooLong, "UriTooLong", "The request target is too long.",
                $"Path and query may be at most {MaxTargetLength / 1024} KiB; send fewer or shorter query parameters.");

        var size = 0;
        foreach (var (name, values) in request.Headers)
            foreach (var value in values)
                size += name.Length + (value?.Length ?? 0) + 4;
        if (request.Headers.Count > MaxHeaderCount || size > MaxHeadersSize)
            return Problems.Of(StatusCodes.Status431RequestHeaderFieldsTooLarge, "HeadersTooLarge", "The request headers are too large.",
                $"At most {MaxHeaderCount} headers of {MaxHeadersSize / 1024} KiB together are accepted.");

        // Kestrel resolves "." and ".." (also as %2e) before routing, so /households/%2e%2e would become "/" and serve
        // the console's page; no resource of the ledger is named by such a segment.
        if (DotSegment().IsMatch(target.Split('?', 2)[0]))
            return Problems.Validation([new FieldError("path", "must not contain '.' or '..' segments (also percent-encoded as %2e)")]);

        // U+FFFD is what RequestTargetEncoding makes of %00 in a path; no resource has either in its name.
        if (request.Path.Value is { } path && path.Any(c => char.IsControl(c) || c == '\uFFFD'))
            return Problems.Validation([new FieldError("path", "must not contain NUL (%00), control characters or bytes that are not UTF-8")]);
        return null;
    }

    /// <summary>What ASP.NET Core reports as an unreadable request, as a problem with the ledger's codes.</summary>
    public static ProblemHttpResult FromBadRequest(BadHttpRequestException bad)
    {
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
            return Problems.Of(bad.StatusCode, "BodyTooLarge", "The request body is too large.", $"A write body may be at most {WriteEndpoint.MaxBodyBytes / 1024} KiB.");
        if (bad.StatusCode == StatusCodes.Status400BadRequest && BindFailure().Match(bad.Message) is { Success: true } failed)
        {
            var shown = failed.Groups["value"].Value is { Length: > 40 } value ? value[..40] + "…" : failed.Groups["value"].Value;
            return Problems.Validation([new FieldError(failed.Groups["name"].Value, $"'{shown}' is not a valid value")]);
        }
        return bad.StatusCode == StatusCodes.Status400BadRequest
            ? Problems.Of(bad.StatusCode, "ValidationFailed", "The request could not be read.", "The request is malformed.")
            : Problems.Of(bad.StatusCode, "BadRequest", "The request could not be read.", "The request is malformed.");
    }

    [GeneratedRegex(@"(^|/)(\.|%2e){1,2}(/|%2f|$)", RegexOptions.IgnoreCase)]
    private static partial Regex DotSegment();

    // ASP.NET Core's wording: Failed to bind parameter "int? limit" from "999999999999".
    [GeneratedRegex("""^Failed to bind parameter "(?:.* )?(?<name>[^ "]+)" from "(?<value>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex BindFailure();
}

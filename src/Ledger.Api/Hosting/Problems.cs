using Ledger.Domain;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Hosting;

/// <summary>
/// RFC 9457 problem details with a stable <c>code</c> extension. Every refusal of the API is built here,
/// so the shape never drifts between endpoints.
/// </summary>
public static class Problems
{
    public static ProblemHttpResult Of(int status, string code, string title, string? detail = null,
        IDictionary<string, string[]>? errors = null, IDictionary<string, object?>? extra = null)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = code };
        if (errors is not null) extensions["errors"] = errors;
        if (extra is not null)
            foreach (var (key, value) in extra) extensions[key] = value;
        return TypedResults.Problem(detail, statusCode: status, title: title, type: TypeFor(status), extensions: extensions);
    }

    public static ProblemHttpResult Validation(IEnumerable<FieldError> errors, string? detail = null)
    {
        var byField = errors
            .GroupBy(e => e.Field)
            .ToDictionary(g => g.Key.Length == 0 ? "$" : g.Key, g => g.Select(e => e.Message).Distinct().ToArray());
        return Of(StatusCodes.Status400BadRequest, "ValidationFailed", "The request is not valid.",
            detail ?? string.Join("; ", byField.Select(kv => $"{kv.Key}: {string.Join(", ", kv.Value)}")), byField);
    }

    public static ProblemHttpResult BadRequest(string code, string detail) =>
        Of(StatusCodes.Status400BadRequest, code, "The request is not valid.", detail);

    public static ProblemHttpResult UnknownHousehold(string detail = "No such household.") =>
        Of(StatusCodes.Status404NotFound, "UnknownHousehold", "Not found.", detail);

    public static ProblemHttpResult From(DomainRuleViolated violation) => violation.Kind switch
    {
        ViolationKind.NotFound => Of(StatusCodes.Status404NotFound, violation.Code, "Not found.", violation.Message),
        ViolationKind.Conflict => Of(StatusCodes.Status409Conflict, violation.Code, "The request conflicts with the household's current state.", violation.Message),
        _ => Of(StatusCodes.Status422UnprocessableEntity, violation.Code, "The request breaks a ledger rule.", violation.Message),
    };

    private static string TypeFor(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        412 => "https://tools.ietf.org/html/rfc9110#section-15.5.13",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        414 => "https://tools.ietf.org/html/rfc9110#section-15.5.15",
        415 => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        422 => "https://tools.ietf.org/html/rfc9110#section-15.5.21",
        431 => "https://tools.ietf.org/html/rfc6585#section-5",
        503 => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        _ => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
    };
}

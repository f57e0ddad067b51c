using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using JasperFx;
using JasperFx.Events;
using Ledger.Api.Households;
using Ledger.Domain;
using Marten;
using Wolverine;

namespace Ledger.Api.Hosting;

/// <summary>
/// What every household write does at the HTTP edge, in this order: parse preconditions (If-Match,
/// Idempotency-Key) and the body, validate its shape, send the typed command to its Wolverine handler, and turn
/// every refusal into problem details. Nothing is appended unless the whole command is accepted.
/// </summary>
public static class WriteEndpoint
{
    public const int MaxBodyBytes = 256 * 1024;
    private const int MaxHeaderLength = 200;

    /// <summary>
    /// Sends <typeparamref name="TCommand"/>, read from the body and completed with what the route and the ledger
    /// assign (<paramref name="complete"/>: ids, the caller as applicant), to its handler, for the caller's tenant.
    /// <paramref name="householdIdText"/> is null when the write opens a household: the ledger assigns its id.
    /// </summary>
    public static async Task<IResult> SendAsync<TCommand>(HttpContext http, string? householdIdText, Func<TCommand, Guid, TCommand> complete)
        where TCommand : class
    {
        var ct = http.RequestAborted;
        var request = http.Request;

        Guid householdId;
        if (householdIdText is null) householdId = Guid.CreateVersion7();
        else if (!Guid.TryParse(householdIdText, out householdId)) return Problems.UnknownHousehold($"'{householdIdText}' is not a household id.");

        var (expectedVersion, ifMatchError) = ParseIfMatch(request);
        if (ifMatchError is not null) return ifMatchError;

        var headerErrors = new List<FieldError>();
        // The actor is who the token speaks for; a header cannot claim to be someone else.
        var actor = Ledger.Api.Security.LedgerAuth.Actor(http.User) ?? "anonymous";
        var reason = Header(request, "X-Reason", headerErrors, Check.MaxReasonLength);
        var idempotencyKey = Header(request, "Idempotency-Key", headerErrors, decode: false);
        var correlationId = Header(request, "X-Correlation-Id", headerErrors)
                            ?? Activity.Current?.TraceId.ToString() ?? Guid.NewGuid().ToString("N");
        var causationId = Header(request, "X-Causation-Id", headerErrors) ?? $"http:{http.TraceIdentifier}";
        if (headerErrors.Count > 0) return Problems.Validation(headerErrors);

        var (bytes, tooLarge) = await ReadBodyAsync(request, ct);
        if (tooLarge)
            return Problems.Of(StatusCodes.Status413PayloadTooLarge, "BodyTooLarge", "The request body is too large.",
                $"A write body may be at most {MaxBodyBytes / 1024} KiB.");

        var requestHash = Convert.ToHexString(SHA256.HashData(
            [.. System.Text.Encoding.UTF8.GetBytes($"{request.Method} {request.Path}\n"), .. bytes]));

        if (bytes.Length > 0 && (request.ContentType is not { } contentType
            || (!contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) && !contentType.Contains("+json", StringComparison.OrdinalIgnoreCase))))
            return Problems.Of(StatusCodes.Status415UnsupportedMediaType, "UnsupportedMediaType", "Unsupported media type.",
                "Send the body as application/json.");

        var (body, parseError) = Parse<TCommand>(bytes);
        if (parseError is not null) return parseError;
        if (body is IValidatable validatable && validatable.Validate().ToList() is { Count: > 0 } errors)
            return Problems.Validation(errors);

        var tenant = Ledger.Api.Security.Tenancy.Of(http.User);
        try
        {
            var message = new HouseholdWrite<TCommand>(householdId, complete(body!, householdId),
                new WriteContext(actor, reason, correlationId, causationId, expectedVersion, idempotencyKey, requestHash));
            var bus = http.RequestServices.GetRequiredService<IMessageBus>();
            var result = await bus.InvokeForTenantAsync<WriteAnswer>(tenant, message, ct, TimeSpan.FromSeconds(30));
            if (result.Replayed) http.Response.Headers["Idempotent-Replayed"] = "true";
            return Answer(http, result.Status, result.Body, result.Version, result.Location);
        }
        catch (DomainRuleViolated violation)
        {
            return Problems.From(violation);
        }
        catch (Exception e) when (IsConcurrencyConflict(e))
        {
            if (expectedVersion is not { } expected)
                // Writers without If-Match queue on the household's row: only one held up longer than lock_timeout gets here.
                return Problems.Of(StatusCodes.Status409Conflict, "ConcurrentWrite", "Too many concurrent writes.",
                    "The household kept changing while this command was applied; nothing was appended. Try again.");
            // Marten refused the expected version, when it loaded the household or when it appended: say where the
            // household is now, so the caller can read it again.
            await using var query = http.RequestServices.GetRequiredService<IDocumentStore>().QuerySession(tenant);
            return await query.Events.FetchStreamStateAsync(householdId, ct) is { } state
                ? VersionMismatch(expected, state.Version)
                : Problems.UnknownHousehold();
        }
    }

    /// <summary>
    /// An operation in the OpenAPI document: named after its command, its body, its success, the headers every write
    /// reads and the refusals every write may give; callable with <paramref name="access"/>.
    /// </summary>
    public static RouteHandlerBuilder DescribesWrite<TCommand, TAnswer>(
        this RouteHandlerBuilder endpoint, string tag, string access, string summary, int status = StatusCodes.Status200OK)
        where TCommand : notnull =>
        endpoint.WithName(typeof(TCommand).Name).WithTags(tag).WithSummary(summary)
            .RequireAuthorization(access)
            .Accepts<TCommand>("application/json")
            .Produces<TAnswer>(status)
            .ProducesWriteProblems();

    /// <summary>The headers every household write reads and the answers it may give besides its success, for the OpenAPI document.</summary>
    public static RouteHandlerBuilder ProducesWriteProblems(this RouteHandlerBuilder endpoint) => endpoint
        .DeclaresWriteHeaders()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status412PreconditionFailed)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    public static bool IsConcurrencyConflict(Exception e) =>
        e is ConcurrencyException or EventStreamUnexpectedMaxEventIdException or ExistingStreamIdCollisionException or Marten.Exceptions.StreamLockedException
            or Npgsql.PostgresException { SqlState: "55P03" } // lock_timeout: too many writers queued on one household
        || (e.InnerException is { } inner && IsConcurrencyConflict(inner));

    public static IResult Answer(HttpContext http, int status, object body, long version, string? location)
    {
        http.Response.Headers.ETag = ETag(version);
        if (location is not null) http.Response.Headers.Location = location;
        return TypedResults.Json(body, LedgerJson.Options, statusCode: status);
    }

    public static string ETag(long version) => $"\"{version}\"";

    private static IResult VersionMismatch(long expected, long actual) =>
        Problems.Of(StatusCodes.Status412PreconditionFailed, "VersionMismatch", "The household has changed.",
            $"If-Match expected version {expected} but the household is at version {actual}; nothing was appended. Read it again and retry.",
            extra: new Dictionary<string, object?> { ["expectedVersion"] = expected, ["currentVersion"] = actual });

    private static (long? Version, IResult? Error) ParseIfMatch(HttpRequest request)
    {
        var raw = request.Headers.IfMatch.ToString().Trim();
        if (raw.Length == 0 || raw == "*") return (null, null);
        var text = raw.StartsWith("W/", StringComparison.Ordinal) ? raw[2..] : raw;
        text = text.Trim('"');
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version >= 0
            ? (version, null)
            : (null, Problems.BadRequest("InvalidIfMatch", $"If-Match must be a stream version such as \"3\" (the ETag of a read); got {raw}."));
    }

    private static string? Header(HttpRequest request, string name, List<FieldError> errors, int maxLength = MaxHeaderLength, bool decode = true)
    {
        var values = request.Headers[name];
        if (values.Count > 1)
        {
            errors.Add(new FieldError(name, "must be given once"));
            return null;
        }
        var raw = values.ToString();
        if (raw.Length == 0) return null;
        string value;
        try
        {
            // Header values are ASCII on the wire; UTF-8 text (a reason in Chinese) arrives percent-encoded.
            value = (decode ? Uri.UnescapeDataString(raw) : raw).Trim();
        }
        catch (UriFormatException)
        {
            value = raw.Trim();
        }
        if (value.Length == 0 || value.Length > maxLength || value.Any(char.IsControl))
        {
            errors.Add(new FieldError(name, $"must be 1 to {maxLength} printable characters"));
            return null;
        }
        return value;
    }

    private static async Task<(byte[] Bytes, bool TooLarge)> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes) return ([], true);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBodyBytes) return ([], true);
        }
        return (buffer.ToArray(), false);
    }

    internal static (T? Value, IResult? Error) Parse<T>(byte[] bytes) where T : class
    {
        if (bytes.Length == 0)
            return (null, Problems.BadRequest("MissingBody", "The request needs a JSON body."));
        try
        {
            var value = JsonSerializer.Deserialize<T>(bytes, LedgerJson.RequestOptions);
            return value is null
                ? (null, Problems.BadRequest("MissingBody", "The request body must be a JSON object, not null."))
                : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Problems.Validation([JsonError(e)]));
        }
    }

    /// <summary>Turns a serializer error into a field error without leaking .NET type names.</summary>
    private static FieldError JsonError(JsonException e)
    {
        var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "$" : e.Path.StartsWith("$.", StringComparison.Ordinal) ? e.Path[2..] : e.Path;
        var message = e.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut >= 0) message = message[..cut];

        if (message.Contains("Duplicate", StringComparison.Ordinal))
            return new FieldError(field, "is given more than once");
        if (message.Contains("missing required properties", StringComparison.Ordinal))
        {
            var names = System.Text.RegularExpressions.Regex.Matches(message, "'([^']+)'").Skip(1).Select(m => m.Groups[1].Value);
            var prefix = field == "$" ? "" : field + ".";
            return new FieldError(field, "missing required field(s): " + string.Join(", ", names.Select(n => prefix + n)));
        }
        if (message.Contains("doesn't allow null", StringComparison.Ordinal) || message.Contains("null", StringComparison.Ordinal) && message.Contains("could not be converted", StringComparison.Ordinal))
            return new FieldError(field, "must not be null");
        if (message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
            return new FieldError(field, "has the wrong type");
        if (e.InnerException is not null || message.Contains("invalid", StringComparison.OrdinalIgnoreCase) && message.Contains("JSON", StringComparison.Ordinal)
            || message.Contains("LineNumber", StringComparison.Ordinal))
            return new FieldError(field, "is not well-formed JSON");
        return new FieldError(field, message);
    }
}

using System.Text.Json;
using Ledger.Api.Hosting;
using Ledger.Domain;
using Marten;
using NodaTime;

namespace Ledger.Api.Audit;

public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, long? Next);

/// <summary>The regulator's audit trail over HTTP: filter, page by cursor or stream NDJSON; verify; digest.</summary>
public static class AuditEndpoints
{
    public const string NdJson = "application/x-ndjson";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/audit", ListAsync).WithName("AuditTrail").WithTags("Audit").RequireAuthorization(Ledger.Api.Security.Access.Audit)
            .WithSummary("Every event across households with its metadata and hash link; filter by recorded time, household, type, actor; page with `after` (a sequence), or send `Accept: application/x-ndjson` to stream the whole range.")
            .Produces<AuditPage>().Produces<AuditEntry>(StatusCodes.Status200OK, NdJson).ProducesValidationProblem();
        app.MapGet("/audit/verify", VerifyAsync).WithName("VerifyAuditTrail").WithTags("Audit").RequireAuthorization(Ledger.Api.Security.Access.Audit)
            .WithSummary("Recompute the hash chains from the stored events and name the first broken household and version.")
            .Produces<VerificationResult>().ProducesValidationProblem();
        app.MapGet("/audit/digests", async (IQuerySession session, int? limit, CancellationToken ct) =>
                TypedResults.Json(await session.Query<PublishedDigest>().Where(d => d.AnyTenant()).OrderByDescending(d => d.Id).Take(Math.Clamp(limit ?? 30, 1, 3650)).ToListAsync(ct), LedgerJson.Options))
            .WithName("PublishedDigests").WithTags("Audit").RequireAuthorization(Ledger.Api.Security.Access.Audit)
            .WithSummary("The digests the ledger published, one per business day, newest first.")
            .Produces<IReadOnlyList<PublishedDigest>>();
        app.MapGet("/audit/digest", DigestAsync).WithName("AuditDigest").WithTags("Audit").RequireAuthorization(Ledger.Api.Security.Access.Audit)
            .WithSummary("A digest over every household's chain head; keep it to prove later that nothing was rewritten.")
            .Produces<LedgerDigest>();
    }

    private static async Task<IResult> ListAsync(HttpContext http, IDocumentStore store, string? from, string? to, string? householdId, string? type,
        string? actor, string? after, int? limit, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        DateTimeOffset? fromInstant = ParseInstant(from, "from", errors), toInstant = ParseInstant(to, "to", errors);
        if (fromInstant > toInstant) errors.Add(new("to", "must not be before from"));
        Guid? household = null;
        if (!string.IsNullOrWhiteSpace(householdId))
        {
            if (Guid.TryParse(householdId, out var h)) household = h;
            else errors.Add(new("householdId", "is not a household id"));
        }
        long cursor = 0;
        if (!string.IsNullOrWhiteSpace(after) && (!long.TryParse(after, out cursor) || cursor < 0)) errors.Add(new("after", "must be a sequence number from a previous page's next"));
        if (errors.Count > 0) return Problems.Validation(errors);

        await using var session = store.QuerySession();
        // The audit trail is the regulator's: every tenant's events.
        IQueryable<AuditEntry> query = session.Query<AuditEntry>().Where(a => a.AnyTenant() && a.Sequence > cursor);
        if (fromInstant is { } f) query = query.Where(a => a.RecordedAt >= f);
        if (toInstant is { } t) query = query.Where(a => a.RecordedAt < t); // [from, to), as the export
        if (household is { } hh) query = query.Where(a => a.HouseholdId == hh);
        if (!string.IsNullOrWhiteSpace(type)) query = query.Where(a => a.Type == type);
        if (!string.IsNullOrWhiteSpace(actor)) query = query.Where(a => a.Actor == actor);
        query = query.OrderBy(a => a.Sequence);

        if (http.Request.Headers.Accept.ToString().Contains(NdJson, StringComparison.OrdinalIgnoreCase))
        {
            // Streams row by row from the database: a range of millions of events is never held in memory.
            http.Response.ContentType = NdJson;
            await foreach (var entry in query.ToAsyncEnumerable(ct))
            {
                await JsonSerializer.SerializeAsync(http.Response.Body, entry, LedgerJson.Options, ct);
                await http.Response.Body.WriteAsync("\n"u8.ToArray(), ct);
            }
            return Results.Empty;
        }

        var take = Math.Clamp(limit ?? 500, 1, 5000);
        var page = await query.Take(take + 1).ToListAsync(ct);
        var entries = page.Take(take).ToList();
        return TypedResults.Json(new AuditPage(entries, page.Count > take ? entries[^1].Sequence : null), LedgerJson.Options);
    }

    private static async Task<IResult> VerifyAsync(AuditVerifier verifier, string? householdId, CancellationToken ct)
    {
        Guid? household = null;
        if (!string.IsNullOrWhiteSpace(householdId))
        {
            if (!Guid.TryParse(householdId, out var h)) return Problems.Validation([new FieldError("householdId", "is not a household id")]);
            household = h;
        }
        var result = await verifier.VerifyAsync(household, ct);
        return household is not null && result.Events == 0
            ? Problems.UnknownHousehold()
            : TypedResults.Json(result, LedgerJson.Options);
    }

    private static async Task<IResult> DigestAsync(AuditVerifier verifier, BusinessCalendar calendar, CancellationToken ct) =>
        TypedResults.Json(await verifier.DigestAsync(calendar.Now.ToDateTimeOffset(), ct), LedgerJson.Options);

    private static DateTimeOffset? ParseInstant(string? text, string field, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parsed = LedgerJson.ParseInstant(text.Trim());
        if (parsed.Success) return parsed.Value.ToDateTimeOffset();
        errors.Add(new(field, $"'{text}' is not an instant such as 2025-03-20T08:00:00Z"));
        return null;
    }
}

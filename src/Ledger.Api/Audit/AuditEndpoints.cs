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
        app.MapGet("/audit/digests", async (TenantDatabases databases, int? limit, CancellationToken ct) =>
            {
                // The digests are the ledger's, not an insurer's: kept under its own tenant (DailyDigestHandler, LedgerOutbox).
                await using var session = databases.AcrossTenants(await databases.OfAsync(Ledger.Api.Security.Tenancy.Default));
                return TypedResults.Json(await session.Query<PublishedDigest>().Where(d => d.AnyTenant()).OrderByDescending(d => d.Id).Take(Math.Clamp(limit ?? 30, 1, 3650)).ToListAsync(ct), LedgerJson.Options);
            })
            .WithName("PublishedDigests").WithTags("Audit").RequireAuthorization(Ledger.Api.Security.Access.Audit)
            .WithSummary("The digests the ledger published, one per business day, newest first.")
            .Produces<IReadOnlyList<PublishedDigest>>();
        app.MapGet("/audit/digest", DigestAsync).WithName("AuditDigest").WithTags("Audit").RequireAuthorization(Ledger.Api.Security.Access.Audit)
            .WithSummary("A digest over every household's chain head; keep it to prove later that nothing was rewritten.")
            .Produces<LedgerDigest>();
    }

    private static async Task<IResult> ListAsync(HttpContext http, TenantDatabases databases, string? from, string? to, string? householdId, string? type,
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

        // The audit trail is the regulator's: every tenant's events, database by database (TenantDatabases.AllAsync's
        // order), each in its own sequence order. The cursor is the database's place in that order above bit 48 and a
        // sequence below it, so with one database it is the sequence itself.
        var all = await databases.AllAsync();
        var (first, sequence) = ((int)(cursor >> DatabaseShift), cursor & SequenceMask);
        IQueryable<AuditEntry> Query(IQuerySession session, long afterSequence)
        {
            IQueryable<AuditEntry> query = session.Query<AuditEntry>().Where(a => a.AnyTenant() && a.Sequence > afterSequence);
            if (fromInstant is { } f) query = query.Where(a => a.RecordedAt >= f);
            if (toInstant is { } t) query = query.Where(a => a.RecordedAt < t); // [from, to), as the export
            if (household is { } hh) query = query.Where(a => a.HouseholdId == hh);
            if (!string.IsNullOrWhiteSpace(type)) query = query.Where(a => a.Type == type);
            if (!string.IsNullOrWhiteSpace(actor)) query = query.Where(a => a.Actor == actor);
            return query.OrderBy(a => a.Sequence);
        }

        if (http.Request.Headers.Accept.ToString().Contains(NdJson, StringComparison.OrdinalIgnoreCase))
        {
            // Streams row by row from each database: a range of millions of events is never held in memory.
            http.Response.ContentType = NdJson;
            for (var i = first; i < all.Count; i++)
            {
                await using var session = databases.AcrossTenants(all[i]);
                await foreach (var entry in Query(session, i == first ? sequence : 0).ToAsyncEnumerable(ct))
                {
                    await JsonSerializer.SerializeAsync(http.Response.Body, entry, LedgerJson.Options, ct);
                    await http.Response.Body.WriteAsync("\n"u8.ToArray(), ct);
                }
            }
            return Results.Empty;
        }

        var take = Math.Clamp(limit ?? 500, 1, 5000);
        var entries = new List<AuditEntry>(take);
        long? next = null;
        for (var i = first; i < all.Count && next is null; i++)
        {
            await using var session = databases.AcrossTenants(all[i]);
            var room = take - entries.Count;
            var page = await Query(session, i == first ? sequence : 0).Take(room + 1).ToListAsync(ct);
            entries.AddRange(page.Take(room));
            // More in this database, or a page filled at its end with databases still to visit (the next page may then be
            // empty, with no next).
            if (page.Count > room || (page.Count == room && i + 1 < all.Count))
                next = ((long)i << DatabaseShift) | entries[^1].Sequence;
        }
        return TypedResults.Json(new AuditPage(entries, next), LedgerJson.Options);
    }

    private const int DatabaseShift = 48;
    private const long SequenceMask = (1L << DatabaseShift) - 1;

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

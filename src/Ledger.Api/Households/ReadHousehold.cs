using JasperFx.Events;
using Ledger.Api.Hosting;
using Ledger.Api.Privacy;
using Ledger.Domain.Households;
using Marten;
using NodaTime;

namespace Ledger.Api.Households;

/// <summary>One event of a household's history with the metadata the ledger recorded for it.</summary>
/// <param name="Type">The event's stored name (see docs/events.md); stable across code renames.</param>
/// <param name="EffectiveDate">The business date the fact holds from.</param>
/// <param name="RecordedAt">When the ledger recorded it.</param>
public sealed record HistoryEntry(
    long Version,
    long Sequence,
    string Type,
    LocalDate? EffectiveDate,
    Instant RecordedAt,
    string Actor,
    string? Reason,
    string? Operation,
    string? CorrelationId,
    string? CausationId,
    object Data)
{
    public static HistoryEntry From(IEvent e) => new(
        e.Version,
        e.Sequence,
        e.EventTypeName,
        (e.Data as IHouseholdEvent)?.EffectiveDate,
        Instant.FromDateTimeOffset(e.Timestamp),
        e.UserName ?? "anonymous",
        HeaderText(e, "reason"),
        HeaderText(e, "operation"),
        e.CorrelationId,
        e.CausationId,
        e.Data);

    private static string? HeaderText(IEvent e, string key) =>
        e.Headers is not null && e.Headers.TryGetValue(key, out var value) ? value?.ToString() : null;
}

/// <summary>A household in a list: enough to find it, not its whole view.</summary>
public sealed record HouseholdSummary(Guid HouseholdId, string HouseholdNumber, LocalDate OpenedOn, string HolderName, int Members, long Version);

/// <summary>
/// The read side of a household, straight from Marten: the inline view for "now", a fold of the stream for
/// "as known at" and replay. Views are evaluated for a date by the pure domain code.
/// </summary>
public static class ReadHousehold
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/households", ListAsync)
            .WithName("ListHouseholds").WithTags("Households").RequireAuthorization(Ledger.Api.Security.Access.ReadViews)
            .WithSummary("Households, newest first; filter by household number or member name.")
            .Produces<IReadOnlyList<HouseholdSummary>>();

        app.MapGet("/households/{householdId}", GetAsync)
            .WithName("GetHousehold").WithTags("Households").RequireAuthorization(Ledger.Api.Security.Access.ReadViews)
            .WithSummary("The current coverage view: today, as known now.")
            .Produces<CoverageView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet("/households/{householdId}/coverage", CoverageAsync)
            .WithName("GetCoverage").WithTags("Households").RequireAuthorization(Ledger.Api.Security.Access.ReadViews)
            .WithSummary("The view on date `on` as the ledger knew it at instant `knownAt` (both optional).")
            .Produces<CoverageView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet("/households/{householdId}/history", HistoryAsync)
            .WithName("GetHistory").WithTags("Households").RequireAuthorization(Ledger.Api.Security.Access.ReadHistory)
            .WithSummary("Every event of the household in order, with its metadata.")
            .Produces<IReadOnlyList<HistoryEntry>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet("/households/{householdId}/history/{version}", ReplayAsync)
            .WithName("ReplayHousehold").WithTags("Households").RequireAuthorization(Ledger.Api.Security.Access.ReadHistory)
            .WithSummary("The view as it stood right after `version` (replay), evaluated on `on` (default today).")
            .Produces<CoverageView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> ListAsync(HttpContext http, IDocumentStore store, string? number, string? name, int? limit, CancellationToken ct)
    {
        await using var session = store.QuerySession(Ledger.Api.Security.Tenancy.Of(http.User));
        var take = Math.Clamp(limit ?? 50, 1, 500);
        IQueryable<Household> query = session.Query<Household>();
        if (!string.IsNullOrWhiteSpace(number))
        {
            // Made out here, not in the query: Marten compiles any expression inside a query to get its value (HouseholdTimeTravel).
            var wanted = number.Trim().ToUpperInvariant();
            query = query.Where(h => h.Number == wanted);
        }
        // Names are stored encrypted, so a name search decrypts the newest households in memory; people who asked for
        // erasure are left out of searches (PIPL restriction).
        var candidates = await query.OrderByDescending(h => h.Number).Take(string.IsNullOrWhiteSpace(name) ? take : 2000).ToListAsync(ct);
        var keys = await PersonalDataVault.KeysAsync(session, candidates.SelectMany(h => h.People.Select(p => p.PersonId)), ct);
        var revealed = candidates.Select(h => PersonalDataVault.Reveal(h, keys));
        if (!string.IsNullOrWhiteSpace(name))
            revealed = revealed.Where(h => h.People.Any(p => !p.Restricted && p.Name.Contains(name.Trim(), StringComparison.OrdinalIgnoreCase)));
        var summaries = revealed.Take(take).Select(h => new HouseholdSummary(
            h.Id, h.Number, h.OpenedOn, h.Person(h.HolderId) is { Restricted: false } holder ? holder.Name : "[restricted]",
            h.People.Count(p => !p.HasLeft), h.Version));
        return TypedResults.Json(summaries, LedgerJson.Options);
    }

    private static async Task<IResult> GetAsync(HttpContext http, IDocumentStore store, BusinessCalendar calendar, string householdId, CancellationToken ct)
    {
        await using var session = store.QuerySession(Ledger.Api.Security.Tenancy.Of(http.User));
        var household = await FindRevealedAsync(session, householdId, ct);
        return household is null ? Problems.UnknownHousehold() : View(http, household, calendar.Today, null);
    }

    private static async Task<IResult> CoverageAsync(
        HttpContext http, IDocumentStore store, BusinessCalendar calendar, string householdId, string? on, string? knownAt, CancellationToken ct)
    {
        await using var session = store.QuerySession(Ledger.Api.Security.Tenancy.Of(http.User));
        var errors = new List<Ledger.Domain.FieldError>();
        var date = ParseDate(on, "on", errors) ?? calendar.Today;
        Instant? known = null;
        if (!string.IsNullOrWhiteSpace(knownAt))
        {
            var parsed = LedgerJson.ParseInstant(knownAt.Trim());
            if (parsed.Success) known = parsed.Value;
            else errors.Add(new("knownAt", $"'{knownAt}' is not an instant such as 2025-03-20T08:00:00Z"));
        }
        if (errors.Count > 0) return Problems.Validation(errors);

        if (known is not { } instant)
            return await FindRevealedAsync(session, householdId, ct) is { } revealed ? View(http, revealed, date, null) : Problems.UnknownHousehold();
        // Bitemporal: fold only the events recorded by `knownAt` (from the nearest snapshot), then evaluate on `on`.
        var travelled = await HouseholdTimeTravel.KnownAtAsync(session, householdId, instant, ct);
        if (travelled is null) return Problems.UnknownHousehold();
        return travelled.Then is not { } then
            ? Problems.UnknownHousehold($"Household {travelled.Number} was not yet recorded at {LedgerJson.Format(instant)}.")
            : View(http, then, date, instant);
    }

    private static async Task<IResult> HistoryAsync(HttpContext http, IDocumentStore store, string householdId, CancellationToken ct)
    {
        await using var session = store.QuerySession(Ledger.Api.Security.Tenancy.Of(http.User));
        var household = await FindAsync(session, householdId, ct);
        if (household is null) return Problems.UnknownHousehold();
        var events = await session.Events.FetchStreamAsync(household.Id, token: ct);
        var keys = await PersonalDataVault.KeysAsync(session, household.People.Select(p => p.PersonId), ct);
        return TypedResults.Json(events.Select(e => HistoryEntry.From(e) with { Data = PersonalDataVault.Reveal(e.Data, keys) }).ToList(), LedgerJson.Options);
    }

    private static async Task<IResult> ReplayAsync(
        HttpContext http, IDocumentStore store, BusinessCalendar calendar, string householdId, string version, string? on, CancellationToken ct)
    {
        await using var session = store.QuerySession(Ledger.Api.Security.Tenancy.Of(http.User));
        var errors = new List<Ledger.Domain.FieldError>();
        var date = ParseDate(on, "on", errors) ?? calendar.Today;
        if (!long.TryParse(version, out var v) || v < 1) errors.Add(new("version", $"'{version}' is not a version (1, 2, ...)"));
        if (errors.Count > 0) return Problems.Validation(errors);

        var travelled = await HouseholdTimeTravel.AtVersionAsync(session, householdId, v, ct);
        if (travelled is null) return Problems.UnknownHousehold();
        return travelled is { Then: { } then } && v <= travelled.Version
            ? View(http, then, date, null)
            : Problems.Of(StatusCodes.Status404NotFound, "UnknownVersion", "Not found.",
                $"Household {travelled.Number} is at version {travelled.Version}; there is no version {v}.");
    }

    /// <summary>
    /// The stored household with its personal data revealed. By id, in one round trip: the document and the data keys
    /// created in the household, in one Marten batch (people who came in a split bring keys from elsewhere and are looked
    /// up by id, only they).
    /// </summary>
    public static async Task<Household?> FindRevealedAsync(IQuerySession session, string idOrNumber, CancellationToken ct)
    {
        if (!Guid.TryParse(idOrNumber, out var id))
            return await PersonalDataVault.RevealAsync(session, await FindAsync(session, idOrNumber, ct), ct);
        var batch = session.CreateBatchQuery();
        var loading = batch.Load<Household>(id);
        var keys = PersonalDataVault.KeysCreatedIn(batch, id);
        await batch.Execute(ct);
        return await loading is { } household
            ? (await PersonalDataVault.RevealWithKeysAsync(session, household, await keys, ct)).Household
            : null;
    }

    /// <summary>Finds a household by id or by household number (support staff know the number).</summary>
    public static async Task<Household?> FindAsync(IQuerySession session, string idOrNumber, CancellationToken ct)
    {
        if (Guid.TryParse(idOrNumber, out var id)) return await session.LoadAsync<Household>(id, ct);
        var number = idOrNumber.Trim().ToUpperInvariant();
        return number.StartsWith("HH", StringComparison.Ordinal)
            ? await session.Query<Household>().Where(h => h.Number == number).FirstOrDefaultAsync(ct)
            : null;
    }

    private static LocalDate? ParseDate(string? text, string field, List<Ledger.Domain.FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parsed = LedgerJson.ParseDate(text.Trim());
        if (parsed.Success) return parsed.Value;
        errors.Add(new(field, $"'{text}' is not a valid date (yyyy-MM-dd)"));
        return null;
    }

    private static IResult View(HttpContext http, Household household, LocalDate on, Instant? knownAt)
    {
        http.Response.Headers.ETag = WriteEndpoint.ETag(household.Version);
        return TypedResults.Json(CoverageView.Of(household, on, knownAt), LedgerJson.Options);
    }
}

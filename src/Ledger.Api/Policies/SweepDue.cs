using JasperFx.Events;
using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using Marten;
using Marten.Schema;
using NodaTime;

namespace Ledger.Api.Policies;

/// <summary>
/// The sweep's index of due households: one small row per household with the first day a sweep of it records something
/// (<see cref="PolicyDecider.NextSweepDueOn"/>), kept in the same transaction as the household's events. The sweep
/// reads the households due by a date from its index on (<see cref="NextDueOn"/>, id), never the household documents.
/// </summary>
public sealed class SweepDue
{
    public Guid Id { get; set; }

    /// <summary>Null when no sweep will ever record anything (no policy running, no erasure waiting).</summary>
    /// <remarks>A <c>DateOnly</c>, which Marten compares as a date (decision 0008).</remarks>
    public DateOnly? NextDueOn { get; set; }

    /// <summary>The insurer the household belongs to: Marten fills it in from the row's tenant (conjoined tenancy).</summary>
    public string TenantId { get; set; } = "";

    /// <summary>Marten calls this when it maps the document.</summary>
    public static void ConfigureMarten(DocumentMapping<SweepDue> mapping)
    {
        mapping.DuplicateField(nameof(NextDueOn));
        // A date and a range of ids, or a range of dates in order: each page of the sweep is an index range scan.
        mapping.AddIndex("next_due_on", "id");
    }
}

/// <summary>Where the sweep of a date stopped: the last household handed out and its due date.</summary>
public sealed record SweepCursor(LocalDate Due, Guid Id)
{
    public static readonly SweepCursor Start = new(new LocalDate(1, 1, 1), Guid.Empty);
}

public static class SweepIndex
{
    /// <summary>Households handed out per page: the fan-out holds one page in memory, whatever the number due.</summary>
    public const int PageSize = 500;

    /// <summary>The index follows every household (the household projection's side effect, run inline).</summary>
    public static void Configure(StoreOptions opts)
    {
        opts.Events.EnableSideEffectsOnInlineProjections = true;
        // 30 million rows: only what the sweep reads, and the tenant the row already has.
        opts.Schema.For<SweepDue>().Metadata(m =>
        {
            m.TenantId.MapTo(x => x.TenantId);
            m.DisableInformationalFields();
        });
    }

    /// <summary>
    /// Called by the household projection once a household's new events are folded, in the same transaction. The row is
    /// stored only when the due day moved: the household document remembers the day last stored
    /// (<see cref="Household.SweepDueOn"/>), so a write that leaves it (a member joins, a name is corrected) costs no
    /// statement, and a household that never has anything due has no row at all.
    /// </summary>
    public static ValueTask Follow(IDocumentOperations operations, IEventSlice<Household> slice)
    {
        if (slice.Snapshot is not { } household) return ValueTask.CompletedTask;
        var due = PolicyDecider.NextSweepDueOn(household);
        if (due == household.SweepDueOn) return ValueTask.CompletedTask;
        household.SweepDueOn = due;
        operations.Store(RowOf(household.Id, due));
        return ValueTask.CompletedTask;
    }

    private static SweepDue RowOf(Guid householdId, LocalDate? due) => new()
    {
        Id = householdId,
        NextDueOn = due?.ToDateOnly(),
    };

    /// <summary>
    /// Writes the row of every household, page by page in each tenant: for a database written before the index existed
    /// (<c>ledger sweep --reindex</c>). Safe beside live writes: a row is the household's own fold, whoever stores it.
    /// </summary>
    public static async Task<int> RebuildAsync(IDocumentStore store, CancellationToken ct)
    {
        var databases = new Ledger.Api.Hosting.TenantDatabases(store);
        var rows = 0;
        foreach (var database in await databases.AllAsync())
            rows += await RebuildAsync(store, databases, database, ct);
        return rows;
    }

    private static async Task<int> RebuildAsync(IDocumentStore store, Ledger.Api.Hosting.TenantDatabases databases, Marten.Storage.IMartenDatabase database, CancellationToken ct)
    {
        var rows = 0;
        for (var after = Guid.Empty; ;)
        {
            IReadOnlyList<IEvent> opened;
            // The household document does not carry its tenant; the stream's first event does.
            await using (var query = databases.AcrossTenants(database))
                opened = await query.Events.QueryAllRawEvents()
                    .Where(e => e.AnyTenant() && e.Version == 1 && e.StreamId > after)
                    .OrderBy(e => e.StreamId).Take(PageSize).ToListAsync(ct);
            foreach (var tenant in opened.GroupBy(e => e.TenantId))
            {
                await using var session = store.LightweightSession(tenant.Key);
                var households = await session.LoadManyAsync<Household>(ct, tenant.Select(e => e.StreamId));
                foreach (var household in households)
                {
                    var due = PolicyDecider.NextSweepDueOn(household);
                    session.Store(RowOf(household.Id, due));
                    // The household's own record of the day stored, so its next write compares with the truth.
                    if (household.SweepDueOn != due) session.Store(household with { SweepDueOn = due });
                }
                await session.SaveChangesAsync(ct);
                rows += households.Count;
            }
            if (opened.Count < PageSize) return rows;
            after = opened[^1].StreamId;
        }
    }

    /// <summary>
    /// The next page of households due by <paramref name="date"/> after <paramref name="after"/>, in every tenant, in
    /// order of due date and id: first the rest of the cursor's date, then the dates after it.
    /// </summary>
    public static async Task<IReadOnlyList<SweepDue>> PageAsync(IQuerySession session, LocalDate date, SweepCursor after, CancellationToken ct, int size = PageSize)
    {
        var by = date.ToDateOnly();
        var due = after.Due.ToDateOnly();
        var page = new List<SweepDue>(size);
        if (after != SweepCursor.Start)
            page.AddRange(await session.Query<SweepDue>()
                .Where(x => x.AnyTenant() && x.NextDueOn == due && x.Id > after.Id)
                .OrderBy(x => x.Id).Take(size).ToListAsync(ct));
        if (page.Count < size)
            page.AddRange(await session.Query<SweepDue>()
                .Where(x => x.AnyTenant() && x.NextDueOn > due && x.NextDueOn <= by)
                .OrderBy(x => x.NextDueOn).ThenBy(x => x.Id).Take(size - page.Count).ToListAsync(ct));
        return page;
    }

    public static SweepCursor CursorAfter(SweepDue last) => new(LocalDate.FromDateOnly(last.NextDueOn!.Value), last.Id);
}

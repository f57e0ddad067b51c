using System.Linq.Expressions;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Ledger.Api.Privacy;
using Ledger.Domain.Households;
using Marten;
using Marten.Events.Projections;
using Marten.Linq.MatchesSql;
using Marten.Schema;
using NodaTime;

namespace Ledger.Api.Households;

/// <summary>
/// A household as its fold stood right after <see cref="Version"/>, kept every <see cref="HouseholdSnapshots.Every"/>
/// events so that time travel folds forward from here. The household is stored exactly as the household document holds
/// it (personal data sealed, revealed only at read time, so a shredded key erases it here too), without the ledger's
/// bookkeeping (audit head, sweep day), which no fold of the events has.
/// </summary>
public sealed class HouseholdSnapshot
{
    /// <summary><c>{householdId}/{version}</c>: a copy is written once, and rebuilding writes the same one again.</summary>
    public string Id { get; set; } = "";

    public Guid HouseholdId { get; set; }

    public long Version { get; set; }

    /// <summary>
    /// The latest instant any event folded into it was recorded at: usable for "known at T" when this is ≤ T.
    /// A <c>DateTimeOffset</c>, which Marten compares as a timestamp (decision 0008).
    /// </summary>
    public DateTimeOffset RecordedAt { get; set; }

    public required Household Household { get; set; }

    public static string IdOf(Guid householdId, long version) => $"{householdId}/{version}";

    /// <summary>Marten calls this when it maps the document.</summary>
    public static void ConfigureMarten(DocumentMapping<HouseholdSnapshot> mapping)
    {
        mapping.DuplicateField(nameof(HouseholdId));
        mapping.DuplicateField(nameof(Version));
        mapping.DuplicateField(nameof(RecordedAt));
        // Both lookups ("latest at or before version v", "latest recorded by T") walk one household's copies newest first.
        mapping.AddIndex("household_id", "version");
    }
}

/// <summary>
/// Writes the snapshots, inline: registered after <see cref="HouseholdProjection"/>, it copies the household that
/// projection has just folded (among the session's pending changes) when a write reaches a multiple of
/// <see cref="HouseholdSnapshots.Every"/>, so the copy commits with the events and costs no read. When no folded
/// household is pending (a rebuild of this projection alone, whose pages hold many writes), it folds the household
/// itself from the nearest stored copy and keeps one at each multiple the page passes.
/// </summary>
public sealed class HouseholdSnapshotProjection : IProjection
{
    public const string Name = "HouseholdSnapshots";

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        Dictionary<Guid, Household>? folded = null;
        foreach (var stream in events.GroupBy(e => e.StreamId))
        {
            var appended = stream.OrderBy(e => e.Version).ToList();
            var (first, last) = (appended[0], appended[^1]);
            if (!HouseholdSnapshots.Due(first.Version, last.Version)) continue;
            if (folded is null)
            {
                folded = PendingHouseholds(operations);
            }
            if (folded.TryGetValue(stream.Key, out var household) && household.Version == last.Version)
            {
                Keep(operations, last, appended.Max(e => e.Timestamp), household);
                continue;
            }
            var state = first.Version == 1
                ? null
                : await HouseholdTimeTravel.FoldAsync(operations.DocumentStore, first.TenantId, stream.Key, first.Version - 1, cancellation);
            var recorded = DateTimeOffset.MinValue;
            foreach (var e in appended)
            {
                state = HouseholdSnapshots.Step(state, e.Data, e.Version);
                recorded = e.Timestamp > recorded ? e.Timestamp : recorded;
                if (state is not null && e.Version % HouseholdSnapshots.Every == 0) Keep(operations, e, recorded, state);
            }
        }
    }

    /// <summary>The households the write's session is about to store; none in the daemon's rebuild, whose batch keeps no such list.</summary>
    private static Dictionary<Guid, Household> PendingHouseholds(IDocumentOperations operations)
    {
        var pending = new Dictionary<Guid, Household>();
        if (operations is not IDocumentSession session) return pending;
        try
        {
            foreach (var household in session.PendingChanges.AllChangedFor<Household>()) pending[household.Id] = household;
        }
        catch (NotSupportedException)
        {
            // Marten's projection batch (rebuilds) does not list its changes: fold from the stored copies instead.
        }
        return pending;
    }

    private static void Keep(IDocumentOperations operations, IEvent last, DateTimeOffset recorded, Household household)
    {
        var snapshot = new HouseholdSnapshot
        {
            Id = HouseholdSnapshot.IdOf(last.StreamId, last.Version),
            HouseholdId = last.StreamId,
            Version = last.Version,
            RecordedAt = recorded.ToUniversalTime(),
            // A copy: the audit trail, registered after this, still sets its head on the household about to be stored.
            Household = household with { AuditHead = null, SweepDueOn = null },
        };
        if (last.TenantId == operations.TenantId) operations.Store(snapshot);
        else operations.ForTenant(last.TenantId).Store(snapshot);
    }
}

/// <summary>
/// Time travel from the snapshots: the nearest copy at or before the point asked for, then only the events after it,
/// folded by the domain's own step (<see cref="HouseholdSnapshots.Forward"/>, the projection's fold), so the answer is
/// the full fold's. One round trip whatever the stream's length: the household, its copy, the events from the copy on and
/// its people's keys in one batch. A household written before snapshots existed has no copy and is folded whole.
/// </summary>
public static class HouseholdTimeTravel
{
    public static StoreOptions AddHouseholdSnapshots(this StoreOptions opts)
    {
        opts.Projections.Add(new HouseholdSnapshotProjection(), ProjectionLifecycle.Inline, HouseholdSnapshotProjection.Name,
            rebuild => rebuild.DeleteViewTypeOnTeardown<HouseholdSnapshot>());
        opts.Schema.For<HouseholdSnapshot>();
        return opts;
    }

    /// <summary>
    /// A household's number and version now, and the household then: <see cref="Then"/> null when the point asked for is
    /// before it was opened.
    /// </summary>
    public sealed record Travelled(string Number, long Version, Household? Then);

    /// <summary>What time travel needs of the stored household: not the whole document, only that it exists and where it is.</summary>
    public sealed class Stamp
    {
        public string Number { get; set; } = "";
        public long Version { get; set; }
    }

    /// <summary>
    /// Where time travel stops, said three ways: which copies are usable (LINQ, and SQL for the events' statement,
    /// whose parameter is <paramref name="Bound"/>) and which events count.
    /// </summary>
    private sealed record Cut(
        Expression<Func<HouseholdSnapshot, bool>> Copies, string CopiesSql, object Bound, Expression<Func<IEvent, bool>> Events);

    /// <summary>The household as the ledger knew it at <paramref name="knownAt"/>, personal data revealed; null if unknown.</summary>
    public static Task<Travelled?> KnownAtAsync(IQuerySession session, string idOrNumber, Instant knownAt, CancellationToken ct)
    {
        var at = knownAt.ToDateTimeOffset();
        return TravelAsync(session, idOrNumber, new Cut(s => s.RecordedAt <= at, "s.recorded_at <= ?", at, e => e.Timestamp <= at), ct);
    }

    /// <summary>The household right after <paramref name="version"/>, personal data revealed; null if unknown.</summary>
    /// <remarks>A version beyond the stream gives the household as it is now: compare with <see cref="Travelled.Version"/>.</remarks>
    public static Task<Travelled?> AtVersionAsync(IQuerySession session, string idOrNumber, long version, CancellationToken ct) =>
        TravelAsync(session, idOrNumber, new Cut(s => s.Version <= version, "s.version <= ?", version, e => e.Version <= version), ct);

    private static async Task<Travelled?> TravelAsync(IQuerySession session, string idOrNumber, Cut cut, CancellationToken ct)
    {
        if (!Guid.TryParse(idOrNumber, out var id))
        {
            if (await ReadHousehold.FindAsync(session, idOrNumber, ct) is not { } found) return null;
            id = found.Id;
        }
        var snapshots = session.DocumentStore.Options.Schema.For<HouseholdSnapshot>();
        var batch = session.CreateBatchQuery();
        var loading = batch.Query<Household>().Where(h => h.Id == id).Select(h => new Stamp { Number = h.Number, Version = h.Version }).FirstOrDefault();
        var nearest = batch.Query<HouseholdSnapshot>().Where(s => s.HouseholdId == id).Where(cut.Copies).OrderByDescending(s => s.Version).FirstOrDefault();
        // From the copy's own event on, found by the same rule in the same statement: the first event then says which
        // copy that statement saw, in case a write stored a newer one between the two statements. The SQL and its values
        // are made out here: Marten compiles every expression it finds inside the query to get its value, and compiling
        // the interpolation and the array on each read was a third of a time-travel read's CPU (docs/performance.md).
        var fromCopy = $"version >= coalesce((select max(s.version) from {snapshots} as s where s.tenant_id = ? and s.household_id = ? and {cut.CopiesSql}), 1)";
        object[] fromCopyValues = [session.TenantId, id, cut.Bound];
        var events = batch.Query<IEvent>().Where(e => e.StreamId == id).Where(cut.Events)
            .Where(e => e.MatchesSql(fromCopy, fromCopyValues))
            .OrderBy(e => e.Version).ToList();
        var keys = PersonalDataVault.KeysCreatedIn(batch, id);
        await batch.Execute(ct);
        if (await loading is not { } current) return null;

        var (copy, after) = (await nearest, await events);
        var then = after.Count == 0 && copy is null ? null
            : after.Count > 0 && after[0].Version == (copy?.Version ?? 1)
                ? HouseholdSnapshots.Forward(copy?.Household, after.Where(e => e.Version > (copy?.Version ?? 0)).Select(e => (e.Version, e.Data)))
                : await FoldOnAsync(session, id, copy, cut, ct);
        return new Travelled(current.Number, current.Version, then is null ? null : (await PersonalDataVault.RevealWithKeysAsync(session, then, await keys, ct)).Household);
    }

    /// <summary>The rare second round trip, when the two statements saw different copies: the events after the copy found.</summary>
    private static async Task<Household?> FoldOnAsync(IQuerySession session, Guid id, HouseholdSnapshot? copy, Cut cut, CancellationToken ct)
    {
        var from = copy?.Version ?? 0;
        var after = await session.Events.QueryAllRawEvents().Where(e => e.StreamId == id && e.Version > from).Where(cut.Events)
            .OrderBy(e => e.Version).ToListAsync(ct);
        return HouseholdSnapshots.Forward(copy?.Household, after.Select(e => (e.Version, e.Data)));
    }

    /// <summary>The household's fold at <paramref name="version"/>, sealed, from the nearest stored copy (for rebuilds).</summary>
    internal static async Task<Household?> FoldAsync(IDocumentStore store, string tenantId, Guid id, long version, CancellationToken ct)
    {
        await using var session = store.QuerySession(tenantId);
        var from = await session.Query<HouseholdSnapshot>()
            .Where(s => s.HouseholdId == id && s.Version <= version).OrderByDescending(s => s.Version).FirstOrDefaultAsync(ct);
        return await session.Events.AggregateStreamAsync(id, version: version, state: from?.Household, fromVersion: from is null ? 0 : from.Version + 1, token: ct);
    }
}

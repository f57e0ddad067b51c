using System.Diagnostics;
using System.Threading.Channels;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Ledger.Api.Audit;
using Ledger.Api.Hosting;
using Ledger.Api.Households;
using Ledger.Api.Privacy;
using Ledger.Domain.Households;
using Ledger.Domain.Seeding;
using Marten;
using NodaTime;

namespace Ledger.Api.Seeding;

/// <param name="BatchSize">Households per transaction (one <c>SaveChangesAsync</c>).</param>
/// <param name="Writers">Transactions in flight at once; each writer also generates its batch, so generation runs beside the writes.</param>
public sealed record SeedOptions(int Households, string Tenant, int Seed, int BatchSize = SeedOptions.DefaultBatchSize, int Writers = SeedOptions.DefaultWriters)
{
    // Measured on the 2-core machine (docs/performance.md, "Seeding"): 500 × 2 was the fastest of 200–1,000 × 2–4.
    public const int DefaultBatchSize = 500;
    public const int DefaultWriters = 2;
}

public sealed record SeedResult(int Households, long Events, int Refusals, TimeSpan Elapsed)
{
    public decimal HouseholdsPerSecond => PerSecond(Households);

    public decimal EventsPerSecond => PerSecond(Events);

    private decimal PerSecond(long count) => Elapsed > TimeSpan.Zero ? count / (decimal)Elapsed.TotalSeconds : 0m;
}

/// <summary>
/// Writes generated families (<see cref="FamilyGenerator"/>) as the API would have recorded them, in bulk: a batch of
/// households per writer, several writers at once. The events carry what a real write gives them (sealed personal data
/// with new keys, actor, operation, reason, correlation and causation ids, the recorded instant of their command). Each
/// batch is two transactions: its events by Marten's bulk append (COPY), then what every inline projection of the store
/// (household view and sweep row, audit trail, any added later) makes of the same streams, applied by the projections'
/// own code to a session and saved with the person keys (docs/decisions/0012-bulk-seeding.md).
/// </summary>
public sealed class HouseholdSeeder(IDocumentStore store, HouseholdNumbers numbers, BusinessCalendar calendar)
{
    /// <summary>The actor of every seeded event.</summary>
    public const string Actor = "seed";

    public async Task<SeedResult> SeedAsync(SeedOptions options, Action<int, long>? progress, CancellationToken ct)
    {
        // Every table first, once: writers creating them lazily at the same moment would race.
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        // And the tenant's partitions, before the writers meet it at once.
        await new TenantDatabases(store).KnowAsync(options.Tenant, ct);
        var watch = Stopwatch.StartNew();
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var batches = Channel.CreateBounded<(int First, IReadOnlyList<string> Numbers)>(options.Writers);
        int households = 0, refusals = 0;
        long events = 0;

        // Numbers are drawn in index order, a batch at a time, so household k gets the same number in every empty database.
        var numbering = Task.Run(async () =>
        {
            try
            {
                for (var first = 0; first < options.Households; first += options.BatchSize)
                {
                    var block = await numbers.NextAsync(Math.Min(options.BatchSize, options.Households - first), failed.Token);
                    await batches.Writer.WriteAsync((first, block), failed.Token);
                }
            }
            finally
            {
                batches.Writer.Complete();
            }
        }, failed.Token);
        var writers = Enumerable.Range(0, options.Writers).Select(_ => Task.Run(async () =>
        {
            try
            {
                await foreach (var (first, block) in batches.Reader.ReadAllAsync(failed.Token))
                {
                    var families = block.Select((number, i) => FamilyGenerator.Generate(options.Seed, first + i, options.Tenant, number, calendar.Zone)).ToList();
                    await WriteAsync(options.Tenant, families, failed.Token);
                    Interlocked.Add(ref refusals, families.Sum(f => f.Refusals.Count));
                    var written = Interlocked.Add(ref events, families.Sum(f => (long)f.EventCount));
                    var done = Interlocked.Add(ref households, families.Count);
                    progress?.Invoke(done, written);
                }
            }
            catch
            {
                // One failed transaction stops the others at once; what committed stays, as whole households.
                await failed.CancelAsync();
                throw;
            }
        }, failed.Token)).ToList();
        var all = Task.WhenAll([numbering, .. writers]);
        try
        {
            await all;
        }
        catch when (all.Exception?.InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException) is { } cause)
        {
            // The failure itself, not the cancellations it caused in the other tasks.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
        }
        return new SeedResult(households, events, refusals, watch.Elapsed);
    }

    private async Task WriteAsync(string tenant, IReadOnlyList<SeededFamily> families, CancellationToken ct)
    {
        await using var session = store.LightweightSession(tenant);
        // Household ids follow from the seed, so a seed seeded twice meets its own households: asked first, so nothing of
        // the batch is written.
        var ids = families.Select(f => f.HouseholdId).ToArray();
        if (await session.Query<Household>().Where(h => h.Id.IsOneOf(ids)).AnyAsync(ct))
            throw new AlreadySeededException(tenant);
        var streams = families.Select(family =>
        {
            var stream = StreamAction.Start(family.HouseholdId, [.. Stream(session, family)]);
            stream.AggregateType = typeof(Household);
            return stream;
        }).ToList();

        // The events by COPY (Marten's bulk append: versions 1..n, sequences drawn from the store's sequence, stream rows).
        // One batch at a time: the daemon's high-water mark is moved to the batch's last sequence as it commits, so a
        // batch with lower sequences committing later could be passed over by the async registers.
        await _appending.WaitAsync(ct);
        try
        {
            await store.BulkInsertEventsAsync(tenant, streams, EventsPerCopy, ct);
        }
        finally
        {
            _appending.Release();
        }

        // Then, in the second transaction, what the inline projections store for these streams, computed by the projections
        // themselves exactly as a SaveChangesAsync appending them would have run them (household view and its sweep row,
        // and any inline projection registered later), with the person keys the sealing made; last the audit trail, whose
        // rows go in by COPY with the sequences the bulk append drew, linked from the heads the households carry.
        foreach (var projection in _inline.Value) await projection.ApplyAsync(session, streams, ct);
        await AuditTrailProjection.CopyAsync(session, [.. streams.SelectMany(s => s.Events)], ct);
        await session.SaveChangesAsync(ct);
    }

    /// <summary>Households are written a batch at a time; a COPY takes this many events at most.</summary>
    private const int EventsPerCopy = 10_000;

    private readonly SemaphoreSlim _appending = new(1, 1);

    /// <summary>Every inline projection of the store but the audit trail, in the order the store registered them.</summary>
    private readonly Lazy<IReadOnlyList<IInlineProjection<IDocumentOperations>>> _inline = new(() =>
        ((StoreOptions)store.Options).Projections.All.Where(p => p.Lifecycle == ProjectionLifecycle.Inline && p.Name != AuditTrailProjection.Name).Select(p => p.BuildForInline()).ToList());

    /// <summary>The household's events sealed and stamped command by command, as each command's write would have done.</summary>
    private static List<IEvent> Stream(IDocumentSession session, SeededFamily family)
    {
        var keys = new Dictionary<Guid, byte[]>();
        var stream = new List<IEvent>(family.EventCount);
        foreach (var command in family.Commands)
        {
            // The API's clock is stamped to the microsecond PostgreSQL keeps (ClockTimeProvider); so is this.
            var ticks = command.RecordedAt.ToDateTimeOffset().UtcTicks;
            var recordedAt = new DateTimeOffset(ticks - ticks % 10, TimeSpan.Zero);
            foreach (var data in PersonalDataVault.Protect(session, family.HouseholdId, command.Events, command.RecordedAt, keys, keys))
            {
                var e = session.Events.BuildEvent(data);
                e.StreamId = family.HouseholdId;
                // Set on the event, Marten keeps them (it fills only what is missing from the session).
                e.Timestamp = recordedAt;
                e.UserName = Actor;
                e.CorrelationId = command.CorrelationId;
                e.CausationId = command.CausationId;
                e.SetHeader("operation", command.Operation);
                e.SetHeader("reason", command.Reason);
                stream.Add(e);
            }
        }
        return stream;
    }
}

/// <summary>Some of the households a seed makes are in the tenant already: the seed was seeded there before.</summary>
public sealed class AlreadySeededException(string tenant) : Exception($"The seed's households are already in tenant '{tenant}'.");

using Ledger.Api.Hosting;
using System.Diagnostics;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Ledger.Api.Audit;

namespace Ledger.Api.Projections;

/// <summary>What one rebuild of one projection in one tenant did.</summary>
public sealed record RebuildResult(string Projection, string Tenant, long Events, TimeSpan Elapsed)
{
    public decimal EventsPerSecond => Elapsed > TimeSpan.Zero ? Events / (decimal)Elapsed.TotalSeconds : 0m;
}

/// <summary>
/// Rebuilds one projection for one tenant from the stored events, with the projection's own code (Marten's inline
/// application of it, <c>BuildForInline</c>): the tenant's rows of the projection's documents are deleted, then its
/// events are read in pages of global sequence order and applied page by page, one transaction each, while the next page
/// is read. Marten's daemon rebuild (<c>RebuildProjectionAsync</c>, JasperFx's <c>projections rebuild</c>) rebuilds every
/// tenant at once: in Marten 9.58 its per-tenant overload filters the events by tenant only when events are
/// tenant-partitioned, and the ledger's are conjoined (docs/performance.md, "Rebuilding projections").
/// An async projection (the registers) is rebuilt up to the sequence its daemon shard has reached, so the daemon carries
/// on from there without applying an event twice. Run it with no writes in flight (the ledger stopped, or its nodes
/// drained): an event appended meanwhile is not in the rebuilt rows of an inline projection.
/// </summary>
public sealed class ProjectionRebuilder(IDocumentStore store)
{
    /// <summary>Events per page (per transaction). Measured: docs/performance.md, "Rebuilding projections".</summary>
    public const int DefaultPageSize = 5_000;

    public IReadOnlyList<string> ProjectionNames =>
        Sources.Where(s => s.Lifecycle != ProjectionLifecycle.Live).Select(s => s.Name).ToList();

    private IEnumerable<IProjectionSource<IDocumentOperations, IQuerySession>> Sources => ((StoreOptions)store.Options).Projections.All;

    /// <summary>The tenants that have events, in every database, in name order.</summary>
    public async Task<IReadOnlyList<string>> TenantsAsync(CancellationToken ct)
    {
        var tenants = await new TenantDatabases(store).ReadEachAsync(query => query.AdvancedSql.QueryAsync<string>(
            $"select distinct tenant_id from {store.Options.Events.DatabaseSchemaName}.mt_streams", ct));
        return tenants.Distinct().Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>How many events <see cref="RebuildAsync"/> will apply, for a progress bar.</summary>
    public async Task<long> CountAsync(string projection, string tenant, CancellationToken ct)
    {
        var ceiling = await CeilingAsync(Find(projection), tenant, ct);
        await using var query = store.QuerySession(tenant);
        return await query.Events.QueryAllRawEvents().Where(e => e.Sequence <= ceiling).LongCountAsync(ct);
    }

    public async Task<RebuildResult> RebuildAsync(string projection, string tenant, int pageSize, Action<long>? progress, CancellationToken ct)
    {
        var source = Find(projection);
        var watch = Stopwatch.StartNew();
        var ceiling = await CeilingAsync(source, tenant, ct);
        if (source.Name == AuditTrailProjection.Name)
        {
            var linked = await new AuditTrailRebuild(store).RebuildAsync(tenant, ceiling, pageSize, progress, ct);
            return new RebuildResult(source.Name, tenant, linked, watch.Elapsed);
        }
        var inline = source.BuildForInline();
        await TeardownAsync(source, tenant, ct);

        long applied = 0;
        var next = ReadPageAsync(tenant, 0, ceiling, pageSize, ct);
        while (true)
        {
            var page = await next;
            if (page.Count == 0) break;
            // The next page is read while this one is applied and written.
            next = ReadPageAsync(tenant, page[^1].Sequence, ceiling, pageSize, ct);
            await using var session = store.LightweightSession(tenant);
            var streams = page.Where(e => e.Data is not Tombstone).GroupBy(e => e.StreamId)
                .Select(s =>
                {
                    var action = StreamAction.For(s.Key, s.ToList());
                    action.TenantId = tenant;
                    return action;
                }).ToList();
            await inline.ApplyAsync(session, streams, ct);
            await session.SaveChangesAsync(ct);
            applied += page.Count;
            progress?.Invoke(applied);
        }
        // The household view carries the audit chain's head, which the audit trail puts there as it links a write.
        if (source.PublishedTypes().Contains(typeof(Ledger.Domain.Households.Household)))
            await new AuditTrailRebuild(store).RestoreHeadsAsync(tenant, ct);
        return new RebuildResult(source.Name, tenant, applied, watch.Elapsed);
    }

    private IProjectionSource<IDocumentOperations, IQuerySession> Find(string projection) =>
        Sources.FirstOrDefault(s => s.Lifecycle != ProjectionLifecycle.Live && string.Equals(s.Name, projection, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentOutOfRangeException(nameof(projection), projection, $"No projection '{projection}'. Projections: {string.Join(", ", ProjectionNames)}.");

    /// <summary>
    /// An inline projection is rebuilt up to the last stored event of the tenant's database; an async one up to where its
    /// shards are in that database.
    /// </summary>
    private async Task<long> CeilingAsync(IProjectionSource<IDocumentOperations, IQuerySession> source, string tenant, CancellationToken ct)
    {
        if (source.Lifecycle == ProjectionLifecycle.Async)
        {
            var shards = source.Shards().Select(s => s.Name.Identity).ToHashSet();
            var progress = await (await new TenantDatabases(store).OfAsync(tenant)).AllProjectionProgress(ct);
            return progress.Where(p => shards.Contains(p.ShardName)).Select(p => p.Sequence).DefaultIfEmpty(0).Min();
        }
        await using var query = store.QuerySession(tenant);
        return (await query.AdvancedSql.QueryAsync<long>(
            $"select coalesce(max(seq_id), 0) from {store.Options.Events.DatabaseSchemaName}.mt_events", ct)).Single();
    }

    /// <summary>The tenant's rows of every document type the projection writes (its declared teardown types).</summary>
    private async Task TeardownAsync(IProjectionSource<IDocumentOperations, IQuerySession> source, string tenant, CancellationToken ct)
    {
        var types = source.PublishedTypes().Concat(source.Options.StorageTypes).Distinct().ToList();
        if (types.Count == 0)
            throw new InvalidOperationException($"Projection {source.Name} declares no document types to clear: rebuilding it would duplicate its rows.");
        await using var session = store.LightweightSession(tenant);
        foreach (var type in types)
        {
            await session.Database.EnsureStorageExistsAsync(type, ct);
            session.QueueSqlCommand($"delete from {store.Options.FindOrResolveDocumentType(type).TableName.QualifiedName} where tenant_id = ?", tenant);
        }
        await session.SaveChangesAsync(ct);
    }

    private async Task<IReadOnlyList<IEvent>> ReadPageAsync(string tenant, long after, long ceiling, int pageSize, CancellationToken ct)
    {
        await using var query = store.QuerySession(tenant);
        return await query.Events.QueryAllRawEvents()
            .Where(e => e.Sequence > after && e.Sequence <= ceiling)
            .OrderBy(e => e.Sequence).Take(pageSize).ToListAsync(ct);
    }
}

using JasperFx.Events;
using Npgsql;

namespace Ledger.Api.Audit;

/// <summary>
/// Rebuilds a tenant's audit trail from the stored event rows, page by page in sequence order: each row is computed again
/// from the event as stored (its data text, not the data read into a class and written again, so an event kept in an
/// older spelling hashes as it did) in the link format its existing row was written in (a v1 row stays v1 and keeps its
/// hash, so every digest taken before still holds), then replaces that row (one delete and one binary COPY per page). A link follows the chain head of the page
/// before (kept in memory) or, for a household last seen further back, the rebuilt row read back with the other such
/// heads of the page in one query. Rows left for events no longer stored are deleted at the end.
/// Marten's daemon rebuild would delete the rows and write every link again in the current format; without a teardown
/// declared for it (AuditFeature) it does not run: Marten 9.58 answers NotSupportedException (the rebuild benchmark's
/// <c>--marten</c>), and over existing rows the primary key would refuse a second link.
/// </summary>
public sealed class AuditTrailRebuild(IDocumentStore store)
{
    private sealed record Head(long Version, string Hash, string Number);

    private sealed record StoredEvent(AuditedEvent Event, string? OpenedNumber, int LinkVersion);

    public async Task<long> RebuildAsync(string tenant, long ceiling, int pageSize, Action<long>? progress, CancellationToken ct)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        var serializer = store.Options.Serializer();
        var table = store.Options.Schema.For<AuditEntry>();
        var carried = new Dictionary<Guid, Head>();
        long applied = 0;
        var next = ReadPageAsync(tenant, 0, ceiling, pageSize, ct);
        var written = Task.CompletedTask;
        while (true)
        {
            var page = await next;
            if (page.Count == 0) break;
            // Three pages in flight: the next one read, this one linked, the one before written. The heads this page reads
            // back belong to pages before that one, already committed; the heads of the one before are carried in memory.
            next = ReadPageAsync(tenant, page[^1].Event.Sequence, ceiling, pageSize, ct);
            Dictionary<Guid, Head> heads;
            await using (var session = store.QuerySession(tenant))
                heads = await HeadsBeforeAsync(session, tenant, page, carried, ct);
            var rows = new AuditRows(serializer, page.Count);
            foreach (var (e, opened, linkVersion) in page)
            {
                var head = e.Version == 1 ? new Head(0, AuditChain.Genesis, "") : heads[e.StreamId];
                var number = opened ?? head.Number;
                heads[e.StreamId] = new Head(e.Version, rows.Add(e, head.Hash, number, linkVersion), number);
            }
            await written;
            written = ReplaceAsync(tenant, table, rows, ct);
            carried = heads;
            applied += page.Count;
            progress?.Invoke(applied);
        }
        await written;

        await using (var cleanup = store.LightweightSession(tenant))
        {
            cleanup.QueueSqlCommand(
                $"delete from {store.Options.Schema.For<AuditEntry>()} a where a.tenant_id = ? and not exists (select 1 from {schema}.mt_events e " +
                "where e.tenant_id = a.tenant_id and e.stream_id = a.household_id and e.version = (a.data ->> 'version')::bigint)", tenant);
            await cleanup.SaveChangesAsync(ct);
        }
        return applied;
    }

    /// <summary>The page's rows replaced in one transaction: one delete, one binary COPY.</summary>
    private async Task ReplaceAsync(string tenant, string table, AuditRows rows, CancellationToken ct)
    {
        await using var connection = (await new Ledger.Api.Hosting.TenantDatabases(store).OfAsync(tenant)).CreateConnection();
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var delete = new NpgsqlCommand($"delete from {table} where tenant_id = $1 and id = any($2)", connection, transaction))
        {
            delete.Parameters.AddWithValue(tenant);
            delete.Parameters.AddWithValue(rows.Ids.ToArray());
            await delete.ExecuteNonQueryAsync(ct);
        }
        await rows.CopyAsync(connection, table, ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// The chain head every stored household carries (<see cref="Ledger.Domain.Households.Household.AuditHead"/>), put back
    /// from the tenant's audit rows after the household view was rebuilt without them, in one statement.
    /// </summary>
    public async Task RestoreHeadsAsync(string tenant, CancellationToken ct)
    {
        await using var session = store.LightweightSession(tenant);
        session.QueueSqlCommand(
            $"update {store.Options.Schema.For<Ledger.Domain.Households.Household>()} h " +
            "set data = jsonb_set(h.data, '{auditHead}', jsonb_build_object('version', a.version, 'hash', a.hash)) " +
            "from (select distinct on (household_id) household_id, (data ->> 'version')::bigint as version, data ->> 'hash' as hash " +
            $"from {store.Options.Schema.For<AuditEntry>()} where tenant_id = ? order by household_id, sequence desc) a " +
            "where h.tenant_id = ? and h.id = a.household_id", tenant, tenant);
        await session.SaveChangesAsync(ct);
    }

    /// <summary>The head before each household's first event of the page: carried from the page before, else read back.</summary>
    private async Task<Dictionary<Guid, Head>> HeadsBeforeAsync(IQuerySession session, string tenant, IReadOnlyList<StoredEvent> page,
        Dictionary<Guid, Head> carried, CancellationToken ct)
    {
        var heads = new Dictionary<Guid, Head>();
        var missing = new Dictionary<Guid, string>();
        foreach (var (e, _, _) in page)
        {
            if (e.Version == 1 || heads.ContainsKey(e.StreamId) || missing.ContainsKey(e.StreamId)) continue;
            if (carried.TryGetValue(e.StreamId, out var head) && head.Version == e.Version - 1) heads[e.StreamId] = head;
            else missing[e.StreamId] = AuditEntry.IdOf(e.StreamId, e.Version - 1);
        }
        if (missing.Count == 0) return heads;
        foreach (var last in await session.LoadManyAsync<AuditEntry>(ct, missing.Values))
            heads[last.HouseholdId] = new Head(last.Version, last.Hash, last.HouseholdNumber);
        foreach (var streamId in missing.Keys.Where(id => !heads.ContainsKey(id)))
            throw new InvalidOperationException($"Audit chain of {streamId} in tenant '{tenant}' has no link before the events being rebuilt.");
        return heads;
    }

    /// <summary>
    /// A page of the tenant's stored events with what their audit row needs, and the link format of the row each one has
    /// now (none: the current format; a row without one was written before formats were numbered: v1).
    /// </summary>
    private async Task<IReadOnlyList<StoredEvent>> ReadPageAsync(string tenant, long after, long ceiling, int pageSize, CancellationToken ct)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var connection = (await new Ledger.Api.Hosting.TenantDatabases(store).OfAsync(tenant)).CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select e.seq_id, e.stream_id, e.version, e.type, e.timestamp, e.user_name, e.headers ->> 'reason', e.headers ->> 'operation', " +
            "e.correlation_id, e.causation_id, e.data::text, e.data ->> 'effectiveDate', " +
            $"case when e.type = 'HouseholdOpened' then e.data ->> 'householdNumber' end, a.id is not null, (a.data ->> 'linkVersion')::int " +
            $"from {schema}.mt_events e left join {store.Options.Schema.For<AuditEntry>()} a " +
            "on a.tenant_id = e.tenant_id and a.id = e.stream_id::text || ':' || e.version " +
            "where e.tenant_id = $1 and e.seq_id > $2 and e.seq_id <= $3 and e.stream_id <> $4 order by e.seq_id limit $5", connection);
        command.Parameters.AddWithValue(tenant);
        command.Parameters.AddWithValue(after);
        command.Parameters.AddWithValue(ceiling);
        command.Parameters.AddWithValue(Tombstone.StreamId);
        command.Parameters.AddWithValue(pageSize);
        var page = new List<StoredEvent>(pageSize);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            var e = new AuditedEvent(reader.GetGuid(1), tenant, reader.GetInt64(2), reader.GetInt64(0), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), Text(5) ?? "anonymous", Text(6), Text(7), Text(8), Text(9), reader.GetString(10), Text(11));
            var linkVersion = !reader.GetBoolean(13) ? AuditChain.CurrentLinkVersion : reader.IsDBNull(14) ? 1 : reader.GetInt32(14);
            page.Add(new StoredEvent(e, Text(12), linkVersion));
        }
        return page;
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marten;
using Marten.Storage;
using Ledger.Api.Hosting;
using Npgsql;

namespace Ledger.Api.Audit;

/// <summary>Where a household's chain first disagrees with its stored events.</summary>
public sealed record BrokenLink(Guid HouseholdId, long Version, string Reason);

public sealed record VerificationResult(bool Verified, int Households, long Events, BrokenLink? FirstBrokenAt);

/// <summary>The head of one household's chain: its last version and that link's hash.</summary>
public sealed record ChainHead(Guid HouseholdId, long Version, string Hash);

/// <summary>A digest the ledger published on its own, once per business day (id = the date).</summary>
public sealed record PublishedDigest(string Id, LedgerDigest Digest);

/// <summary>A ledger digest: one hash over every household's head, to be published and kept by a regulator.</summary>
public sealed record LedgerDigest(string Digest, int Households, long Events, DateTimeOffset ComputedAt, IReadOnlyList<ChainHead> Heads);

/// <summary>
/// Recomputes hash chains from the stored events (the raw rows in <c>mt_events</c>, not the audit rows) and compares
/// them with the audit trail, household by household, reading one household at a time.
/// </summary>
public sealed class AuditVerifier(TenantDatabases databases)
{
    /// <summary>Every household of every database, or the one named (in whichever database holds it).</summary>
    public async Task<VerificationResult> VerifyAsync(Guid? householdId, CancellationToken ct)
    {
        var households = new List<(IMartenDatabase Database, Guid Id)>();
        foreach (var database in await databases.AllAsync())
            households.AddRange((await HouseholdIdsAsync(database, householdId, ct)).Select(id => (database, id)));
        long events = 0;
        foreach (var (database, id) in households)
        {
            var (count, broken, _) = await RecomputeAsync(database, id, ct);
            events += count;
            if (broken is not null) return new VerificationResult(false, households.Count, events, broken);
        }
        return new VerificationResult(true, households.Count, events, null);
    }

    /// <summary>Checks the chains against an earlier digest's heads: each head must still be the hash at its version.</summary>
    public async Task<VerificationResult> VerifyAgainstAsync(LedgerDigest earlier, CancellationToken ct)
    {
        long events = 0;
        var all = await databases.AllAsync();
        foreach (var head in earlier.Heads)
        {
            // A household's events are in one database; one that is in none has lost its history.
            (long Events, BrokenLink? Broken, Dictionary<long, string> Hashes) found = (0, null, []);
            foreach (var database in all)
                if ((found = await RecomputeAsync(database, head.HouseholdId, ct)).Events > 0) break;
            var (count, broken, hashes) = found;
            events += count;
            if (broken is not null) return new VerificationResult(false, earlier.Heads.Count, events, broken);
            if (!hashes.TryGetValue(head.Version, out var hash) || hash != head.Hash)
                return new VerificationResult(false, earlier.Heads.Count, events,
                    new BrokenLink(head.HouseholdId, head.Version, "The chain no longer leads to the head in the earlier digest: history was rewritten."));
        }
        return new VerificationResult(true, earlier.Heads.Count, events, null);
    }

    public async Task<LedgerDigest> DigestAsync(DateTimeOffset now, CancellationToken ct)
    {
        var heads = await databases.ReadEachAsync(session => session.QueryAsync<ChainHead>(
            "select json_build_object('householdId', d.data ->> 'householdId', 'version', (d.data ->> 'version')::bigint, 'hash', d.data ->> 'hash') " +
            "from ledger.mt_doc_auditentry d join (select data ->> 'householdId' as h, max((data ->> 'version')::bigint) as v from ledger.mt_doc_auditentry group by 1) m " +
            "on d.data ->> 'householdId' = m.h and (d.data ->> 'version')::bigint = m.v order by d.data ->> 'householdId'", ct));
        var material = string.Join("\n", heads.OrderBy(h => h.HouseholdId).Select(h => $"{h.HouseholdId}:{h.Version}:{h.Hash}"));
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(material)));
        return new LedgerDigest(digest, heads.Count, heads.Sum(h => h.Version), now, heads.OrderBy(h => h.HouseholdId).ToList());
    }

    private static async Task<List<Guid>> HouseholdIdsAsync(IMartenDatabase database, Guid? only, CancellationToken ct)
    {
        var ids = new List<Guid>();
        await using var command = TenantDatabases.DataSourceOf(database).CreateCommand(
            only is null ? "select id from ledger.mt_streams order by id" : "select id from ledger.mt_streams where id = $1");
        if (only is { } id) command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetGuid(0));
        return ids;
    }

    private async Task<(long Events, BrokenLink? Broken, Dictionary<long, string> Hashes)> RecomputeAsync(IMartenDatabase database, Guid householdId, CancellationToken ct)
    {
        var rows = new Dictionary<long, AuditEntry>();
        await using (var session = databases.AcrossTenants(database))
        {
            foreach (var row in await session.Query<AuditEntry>().Where(a => a.AnyTenant() && a.HouseholdId == householdId).ToListAsync(ct))
                rows[row.Version] = row;
        }

        var hashes = new Dictionary<long, string>();
        var previous = AuditChain.Genesis;
        var linkVersion = 1;
        long count = 0;
        await using var command = TenantDatabases.DataSourceOf(database).CreateCommand(
            "select version, seq_id, type, timestamp, user_name, headers::text, correlation_id, causation_id, data::text " +
            "from ledger.mt_events where stream_id = $1 order by version");
        command.Parameters.AddWithValue(householdId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            count++;
            var version = reader.GetInt64(0);
            var sequence = reader.GetInt64(1);
            JsonElement? headers = reader.IsDBNull(5) ? null : JsonDocument.Parse(reader.GetString(5)).RootElement;
            string? Header(string key) => headers is { ValueKind: JsonValueKind.Object } h && h.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var link = new AuditChain.Link(householdId, version, sequence, reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3),
                reader.IsDBNull(4) ? "anonymous" : reader.GetString(4), Header("reason"), Header("operation"),
                reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7), reader.GetString(8));
            if (!rows.TryGetValue(version, out var row))
                return (count, new BrokenLink(householdId, version, "The audit trail has no link for this event."), hashes);
            // Each row says which format its link is in; a chain moves from v1 to v2 once and never back, so a row
            // cannot be given the older format to bring its sequence under the hash, or the newer to take it out.
            if (!AuditChain.IsKnown(row.LinkVersion) || row.LinkVersion < linkVersion)
                return (count, new BrokenLink(householdId, version, $"The audit row claims link format {row.LinkVersion}, which cannot follow format {linkVersion}."), hashes);
            linkVersion = row.LinkVersion;
            var hash = AuditChain.Hash(previous, link, linkVersion);
            hashes[version] = hash;
            if (row.Hash != hash)
                return (count, new BrokenLink(householdId, version, "The stored event or its metadata differs from what was recorded when it was appended."), hashes);
            // The audit row itself is what regulators read and export: it must say exactly what the event says (the
            // sequence too, which only v1 links cover).
            var fromRow = AuditChain.Hash(previous, new AuditChain.Link(row.HouseholdId, row.Version, row.Sequence, row.Type, row.RecordedAt,
                row.Actor, row.Reason, row.Operation, row.CorrelationId, row.CausationId, row.Data.GetRawText()), linkVersion);
            if (row.PreviousHash != previous || fromRow != hash || row.Sequence != sequence)
                return (count, new BrokenLink(householdId, version, "The audit row differs from the stored event it records."), hashes);
            previous = hash;
        }
        if (rows.Keys.Any(v => v > count))
            return (count, new BrokenLink(householdId, count + 1, "The audit trail has links for events that are no longer stored."), hashes);
        return (count, null, hashes);
    }
}

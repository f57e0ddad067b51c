using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using JasperFx.Events;
using Ledger.Domain.Households;
using Marten;
using Marten.Events.Projections;
using NodaTime;

namespace Ledger.Api.Audit;

/// <summary>
/// One row of the regulator's audit trail: one event of one household with its metadata, and the household's hash
/// chain link. Id: <c>{householdId}:{version}</c>.
/// </summary>
public sealed record AuditEntry
{
    public string Id { get; init; } = "";
    public Guid HouseholdId { get; init; }
    public string HouseholdNumber { get; init; } = "";
    public long Version { get; init; }
    public long Sequence { get; init; }
    public string Type { get; init; } = "";
    public string? EffectiveDate { get; init; }
    public DateTimeOffset RecordedAt { get; init; }
    public string Actor { get; init; } = "";
    public string? Reason { get; init; }
    public string? Operation { get; init; }
    public string? CorrelationId { get; init; }
    public string? CausationId { get; init; }
    public JsonElement Data { get; init; }
    public string PreviousHash { get; init; } = "";
    public string Hash { get; init; } = "";

    /// <summary>Which link format <see cref="Hash"/> is in (<see cref="AuditChain"/>); rows stored before there were two have none, so read as 1.</summary>
    public int LinkVersion { get; init; } = 1;

    public static string IdOf(Guid householdId, long version) => $"{householdId}:{version}";

    /// <summary>
    /// Marten calls this when it maps the document. Every row written pays for every index, so only these three beside the
    /// primary key: the trail in sequence order (<c>GET /audit</c>'s pages, its type and actor filters applied along it),
    /// a household's rows in sequence order (its filter, verification) and a range of recorded instants (the export, from/to).
    /// docs/performance.md ("The audit table's indexes") has the plans.
    /// </summary>
    public static void ConfigureMarten(Marten.Schema.DocumentMapping<AuditEntry> mapping)
    {
        mapping.DuplicateField(nameof(Sequence));
        mapping.DuplicateField(nameof(HouseholdId));
        mapping.DuplicateField(nameof(RecordedAt));
        mapping.AddIndex("sequence");
        mapping.AddIndex("household_id", "sequence");
        mapping.AddIndex("recorded_at");
    }
}

/// <summary>
/// The hash chain. Each link is SHA-256 over the previous link and a canonical form of the event: its stored JSON
/// with keys sorted, and its metadata (household, version, type, recorded instant to the microsecond PostgreSQL keeps,
/// actor, reason, operation, correlation and causation ids). Link v1 also covers the global sequence; v2, written since
/// appends stopped reserving sequences in advance (docs/decisions/0003-event-append-mode.md), covers its own format
/// number instead. The first link's previous hash is 64 zeros. Recomputing needs only the stored events.
/// </summary>
public static class AuditChain
{
    public static readonly string Genesis = new('0', 64);

    /// <summary>The link format new rows are written in.</summary>
    public const int CurrentLinkVersion = 2;

    public static bool IsKnown(int linkVersion) => linkVersion is 1 or 2;

    public sealed record Link(
        Guid HouseholdId, long Version, long Sequence, string Type, DateTimeOffset RecordedAt, string? Actor, string? Reason,
        string? Operation, string? CorrelationId, string? CausationId, string DataJson);

    public static string Hash(string previous, Link link, int linkVersion)
    {
        if (!IsKnown(linkVersion)) throw new ArgumentOutOfRangeException(nameof(linkVersion), linkVersion, "Audit links are v1 or v2.");
        // Written straight to UTF-8 with the default writer (the escaping the guide describes, as JsonNode's ToJsonString
        // writes it), keys in ordinal order, as v1 has always written them. A rebuild hashes every stored event: no
        // intermediate tree of nodes per event.
        var buffer = new ArrayBufferWriter<byte>(link.DataJson.Length + 512);
        buffer.Write(Encoding.UTF8.GetBytes(previous + "\n"));
        using (var writer = new Utf8JsonWriter(buffer))
        using (var data = JsonDocument.Parse(link.DataJson))
        {
            writer.WriteStartObject();
            writer.WriteString("actor", link.Actor);
            writer.WriteString("causationId", link.CausationId);
            writer.WriteString("correlationId", link.CorrelationId);
            writer.WritePropertyName("data");
            WriteCanonical(writer, data.RootElement);
            writer.WriteString("householdId", link.HouseholdId.ToString());
            if (linkVersion == 2) writer.WriteNumber("link", 2);
            writer.WriteString("operation", link.Operation);
            writer.WriteString("reason", link.Reason);
            writer.WriteString("recordedAt", Microseconds(link.RecordedAt));
            if (linkVersion == 1) writer.WriteNumber("sequence", link.Sequence);
            writer.WriteString("type", link.Type);
            writer.WriteNumber("version", link.Version);
            writer.WriteEndObject();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    /// <summary>PostgreSQL keeps timestamps to the microsecond: hash what it keeps, so a recomputation matches.</summary>
    public static string Microseconds(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        var truncated = new DateTimeOffset(utc.Ticks - utc.Ticks % 10, TimeSpan.Zero);
        return truncated.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>JSON with object keys sorted (ordinal) at every level, numbers and strings as they are.</summary>
    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray()) WriteCanonical(writer, item);
                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    public static string? Header(IEvent e, string key) =>
        e.Headers is not null && e.Headers.TryGetValue(key, out var value) ? value?.ToString() : null;
}

/// <summary>
/// The audit trail, inline: rows and hash links commit in the same transaction as the events. Registered after
/// <see cref="Ledger.Api.Households.HouseholdProjection"/>: the chain's head travels on the household that projection is
/// about to store (<see cref="Household.AuditHead"/>), so a write links its events to the previous one without reading
/// the previous audit row back. Appends no longer reserve global sequences in advance (Quick append mode), so each row
/// takes its event's sequence from <c>mt_events</c> in the statement that inserts it.
/// </summary>
public sealed class AuditTrailProjection : IProjection
{
    /// <summary>The projection's name (Marten's, from the class): <c>ledger projections rebuild -p AuditTrailProjection</c>.</summary>
    public const string Name = nameof(AuditTrailProjection);

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation) =>
        (await LinkAsync(operations, events, cancellation)).QueueInsert(operations);

    /// <summary>
    /// A seed's rows (<c>ledger seed</c>): Marten's bulk append gave its events their sequences already, so the rows go
    /// in by binary COPY on the session's connection, in its transaction, with no join back to <c>mt_events</c> and no
    /// per-row <c>jsonb_set</c>. Call it once the household view has put the session's households in it: the chain's
    /// heads go onto them, as in <see cref="ApplyAsync"/>.
    /// </summary>
    public static async Task CopyAsync(IDocumentSession session, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        if (events.FirstOrDefault(e => e.Sequence <= 0) is { } unsequenced)
            throw new InvalidOperationException($"Event {unsequenced.Version} of {unsequenced.StreamId} has no sequence: copy the audit rows of appended events only.");
        var rows = await LinkAsync(session, events, cancellation);
        await session.BeginTransactionAsync(cancellation);
        await rows.CopyAsync(session.Connection!, session.DocumentStore.Options.Schema.For<AuditEntry>(), cancellation);
    }

    /// <summary>The rows of these events, each linked to the one before it in its household.</summary>
    private static async Task<AuditRows> LinkAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var serializer = operations.DocumentStore.Options.Serializer();
        // The households this session stores with these events, as HouseholdProjection folded them: the copy of the
        // previous head they carry is the one to link to, and the new head goes back onto them before they are written.
        var households = new Dictionary<Guid, Household>();
        if (operations is IDocumentSession session)
            foreach (var household in session.PendingChanges.AllChangedFor<Household>()) households[household.Id] = household;

        var streams = events.GroupBy(e => e.StreamId).Select(s => s.OrderBy(e => e.Version).ToList()).ToList();
        var heads = await HeadsBeforeAsync(operations, streams, households, cancellation);
        // One statement for every new row of the batch: a write of one event pays nothing more, a batch of households
        // seeded pays one statement instead of one per event or per household.
        var rows = new AuditRows(serializer, events.Count);
        foreach (var appended in streams)
        {
            var streamId = appended[0].StreamId;
            var (previous, number) = heads[streamId];
            foreach (var e in appended)
            {
                number = e.Data is HouseholdOpened opened ? opened.HouseholdNumber : number;
                previous = rows.Add(new AuditedEvent(e.StreamId, e.TenantId, e.Version, e.Sequence, e.EventTypeName, e.Timestamp, e.UserName ?? "anonymous",
                    AuditChain.Header(e, "reason"), AuditChain.Header(e, "operation"), e.CorrelationId, e.CausationId, serializer.ToJson(e.Data),
                    (e.Data as IHouseholdEvent)?.EffectiveDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                    previous, number, AuditChain.CurrentLinkVersion);
            }
            if (households.TryGetValue(streamId, out var folded)) folded.AuditHead = new AuditHead(appended[^1].Version, previous);
        }
        return rows;
    }

    /// <summary>
    /// The hash (and household number) of the link before each stream's first new event: genesis for a new household, the
    /// head the folded household carries when it is the link just before; the others (a rebuild, which stores no
    /// household, or a household last written before the head was kept on it) are read back in one query for the batch.
    /// </summary>
    private static async Task<Dictionary<Guid, (string Hash, string Number)>> HeadsBeforeAsync(IDocumentOperations operations,
        IReadOnlyList<List<IEvent>> streams, IReadOnlyDictionary<Guid, Household> households, CancellationToken cancellation)
    {
        var heads = new Dictionary<Guid, (string Hash, string Number)>(streams.Count);
        var missing = new List<string>();
        foreach (var appended in streams)
        {
            var first = appended[0];
            if (first.Version < 1)
                throw new InvalidOperationException($"Events for {first.StreamId} were appended without their stream version: append through FetchForWriting or StartStream, so the audit chain can link them.");
            if (first.Version == 1) heads[first.StreamId] = (AuditChain.Genesis, "");
            else if (households.TryGetValue(first.StreamId, out var folded) && folded.AuditHead is { } head && head.Version == first.Version - 1)
                heads[first.StreamId] = (head.Hash, folded.Number);
            else missing.Add(AuditEntry.IdOf(first.StreamId, first.Version - 1));
        }
        if (missing.Count == 0) return heads;
        foreach (var last in await operations.LoadManyAsync<AuditEntry>(cancellation, missing))
            heads[last.HouseholdId] = (last.Hash, last.HouseholdNumber);
        foreach (var appended in streams.Where(s => !heads.ContainsKey(s[0].StreamId)))
            throw new InvalidOperationException($"Audit chain of {appended[0].StreamId} has no link for version {appended[0].Version - 1}.");
        return heads;
    }

    /// <summary>
    /// The rows as Marten would store them (its table, its metadata columns, the duplicated fields of AuditFeature), each
    /// with the sequence read from its event's own row. An event without a row leaves the sequence null, the data column
    /// becomes null and the insert fails rather than writing a row without its sequence. A second row for one event is
    /// refused: a link is written once.
    /// The sequence is a scalar subquery, not a join: a join's plan depends on the statistics of <c>mt_events</c> when the
    /// prepared statement was first planned, and on a young table (a new tenant database, the first minute after
    /// start-up) PostgreSQL chose a hash join over a sequential scan of every event and kept it, 10–18 ms per write and
    /// growing with the table (docs/performance.md, "The audit row's plan"). With a subquery on the whole unique key the
    /// generic plan (ten rows, ten probes) is never the cheaper one, so PostgreSQL plans each execution with its real row
    /// count and the table's current size: a probe of <c>pk_mt_events_stream_and_version</c> once the table is more than
    /// a few pages. <c>offset 0</c> keeps it from pulling the subquery up into both columns that use it, which would
    /// probe twice.
    /// </summary>
    internal static string InsertSql(IReadOnlyStoreOptions options) =>
        $"insert into {options.Schema.For<AuditEntry>()} (tenant_id, id, data, mt_version, mt_dotnet_type, mt_last_modified, sequence, household_id, recorded_at) " +
        "select r.tenant_id, r.id, jsonb_set(r.data, '{sequence}', to_jsonb(r.seq_id)), r.mt_version, ?, transaction_timestamp(), r.seq_id, r.stream_id, r.recorded_at " +
        "from (select u.*, " +
        $"(select e.seq_id from {options.Schema.ForEvents()} as e where e.stream_id = u.stream_id and e.tenant_id = u.tenant_id and e.version = u.version) as seq_id " +
        "from unnest(?::text[], ?::text[]::jsonb[], ?::uuid[], ?::text[], ?::bigint[], ?::timestamptz[], ?::uuid[]) " +
        "as u(id, data, stream_id, tenant_id, version, recorded_at, mt_version) offset 0) as r";
}

/// <summary>
/// What an audit row records of its event: from the event a session appends (its data as the serializer writes it), or
/// from the stored event row in a rebuild (its data as stored). <see cref="Sequence"/> is known to a rebuild (v1 links
/// hash it) and to a seed (the bulk append drew it); zero in a session, whose insert takes it from the event row.
/// </summary>
internal sealed record AuditedEvent(
    Guid StreamId, string TenantId, long Version, long Sequence, string Type, DateTimeOffset RecordedAt, string Actor, string? Reason,
    string? Operation, string? CorrelationId, string? CausationId, string DataJson, string? EffectiveDate);

/// <summary>A batch's audit rows, linked and serialized, column by column for <see cref="AuditTrailProjection.InsertSql"/>.</summary>
internal sealed class AuditRows(ISerializer serializer, int capacity)
{
    public List<string> Ids { get; } = new(capacity);
    private readonly List<string> _data = new(capacity);
    private readonly List<Guid> _streams = new(capacity);
    private readonly List<string> _tenants = new(capacity);
    private readonly List<long> _versions = new(capacity);
    private readonly List<long> _sequences = new(capacity);
    private readonly List<DateTimeOffset> _recordedAt = new(capacity);
    private readonly List<Guid> _martenVersions = new(capacity);

    /// <summary>Links <paramref name="e"/> to <paramref name="previous"/> in the given format and adds its row; answers the new link's hash.</summary>
    public string Add(AuditedEvent e, string previous, string number, int linkVersion)
    {
        var link = new AuditChain.Link(e.StreamId, e.Version, e.Sequence, e.Type, e.RecordedAt, e.Actor, e.Reason, e.Operation,
            e.CorrelationId, e.CausationId, e.DataJson);
        var hash = AuditChain.Hash(previous, link, linkVersion);
        using var data = JsonDocument.Parse(e.DataJson);
        var entry = new AuditEntry
        {
            Id = AuditEntry.IdOf(e.StreamId, e.Version),
            HouseholdId = e.StreamId,
            HouseholdNumber = number,
            Version = e.Version,
            Sequence = e.Sequence,
            Type = e.Type,
            EffectiveDate = e.EffectiveDate,
            RecordedAt = e.RecordedAt,
            Actor = e.Actor,
            Reason = e.Reason,
            Operation = e.Operation,
            CorrelationId = e.CorrelationId,
            CausationId = e.CausationId,
            Data = data.RootElement,
            PreviousHash = previous,
            Hash = hash,
            LinkVersion = linkVersion,
        };
        Ids.Add(entry.Id);
        _data.Add(serializer.ToJson(entry));
        _streams.Add(e.StreamId);
        _tenants.Add(e.TenantId);
        _versions.Add(e.Version);
        _sequences.Add(e.Sequence);
        _recordedAt.Add(e.RecordedAt.ToUniversalTime());
        _martenVersions.Add(Guid.CreateVersion7());
        return hash;
    }

    /// <summary>
    /// A rebuild's rows, which know their sequence already: PostgreSQL's binary COPY into the same columns as
    /// <see cref="AuditTrailProjection.InsertSql"/> (Marten's modification time left to the column's default, the transaction's).
    /// </summary>
    public async Task CopyAsync(Npgsql.NpgsqlConnection connection, string table, CancellationToken ct)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            $"copy {table} (tenant_id, id, data, mt_version, mt_dotnet_type, sequence, household_id, recorded_at) from stdin (format binary)", ct);
        for (var i = 0; i < Ids.Count; i++)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(_tenants[i], NpgsqlTypes.NpgsqlDbType.Varchar, ct);
            await copy.WriteAsync(Ids[i], NpgsqlTypes.NpgsqlDbType.Varchar, ct);
            await copy.WriteAsync(_data[i], NpgsqlTypes.NpgsqlDbType.Jsonb, ct);
            await copy.WriteAsync(_martenVersions[i], NpgsqlTypes.NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(typeof(AuditEntry).FullName!, NpgsqlTypes.NpgsqlDbType.Varchar, ct);
            await copy.WriteAsync(_sequences[i], NpgsqlTypes.NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(_streams[i], NpgsqlTypes.NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(_recordedAt[i], NpgsqlTypes.NpgsqlDbType.TimestampTz, ct);
        }
        await copy.CompleteAsync(ct);
    }

    public void QueueInsert(IDocumentOperations operations)
    {
        if (Ids.Count == 0) return;
        operations.QueueSqlCommand(AuditTrailProjection.InsertSql(operations.DocumentStore.Options), typeof(AuditEntry).FullName!, Ids.ToArray(), _data.ToArray(), _streams.ToArray(), _tenants.ToArray(),
            _versions.ToArray(), _recordedAt.ToArray(), _martenVersions.ToArray());
    }
}

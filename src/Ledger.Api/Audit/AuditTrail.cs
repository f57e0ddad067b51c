using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
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
        var canonical = new JsonObject
        {
            ["actor"] = link.Actor,
            ["causationId"] = link.CausationId,
            ["correlationId"] = link.CorrelationId,
            ["data"] = Canonical(JsonNode.Parse(link.DataJson)),
            ["householdId"] = link.HouseholdId.ToString(),
        };
        // Keys in ordinal order, as v1 has always written them.
        if (linkVersion == 2) canonical["link"] = 2;
        canonical["operation"] = link.Operation;
        canonical["reason"] = link.Reason;
        canonical["recordedAt"] = Microseconds(link.RecordedAt);
        if (linkVersion == 1) canonical["sequence"] = link.Sequence;
        canonical["type"] = link.Type;
        canonical["version"] = link.Version;
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(previous + "\n" + canonical.ToJsonString())));
    }

    /// <summary>PostgreSQL keeps timestamps to the microsecond: hash what it keeps, so a recomputation matches.</summary>
    public static string Microseconds(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        var truncated = new DateTimeOffset(utc.Ticks - utc.Ticks % 10, TimeSpan.Zero);
        return truncated.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>JSON with object keys sorted (ordinal) at every level, numbers and strings as they are.</summary>
    public static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => KeyValuePair.Create(kv.Key, Canonical(kv.Value)))),
        JsonArray a => new JsonArray(a.Select(Canonical).ToArray()),
        null => null,
        _ => JsonNode.Parse(node.ToJsonString()),
    };

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
    private string? _insert;

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var options = operations.DocumentStore.Options;
        var serializer = options.Serializer();
        _insert ??= InsertSql(options);
        // The households this session stores with these events, as HouseholdProjection folded them: the copy of the
        // previous head they carry is the one to link to, and the new head goes back onto them before they are written.
        var households = new Dictionary<Guid, Household>();
        if (operations is IDocumentSession session)
            foreach (var household in session.PendingChanges.AllChangedFor<Household>()) households[household.Id] = household;

        foreach (var stream in events.GroupBy(e => e.StreamId))
        {
            var appended = stream.OrderBy(e => e.Version).ToList();
            if (appended[0].Version < 1)
                throw new InvalidOperationException($"Events for {stream.Key} were appended without their stream version: append through FetchForWriting or StartStream, so the audit chain can link them.");
            households.TryGetValue(stream.Key, out var folded);
            var (previous, number) = await HeadBeforeAsync(operations, appended[0], folded, cancellation);
            foreach (var e in appended)
            {
                number = e.Data is HouseholdOpened opened ? opened.HouseholdNumber : number;
                var json = serializer.ToJson(e.Data);
                var actor = e.UserName ?? "anonymous";
                var link = new AuditChain.Link(e.StreamId, e.Version, 0, e.EventTypeName, e.Timestamp, actor,
                    AuditChain.Header(e, "reason"), AuditChain.Header(e, "operation"), e.CorrelationId, e.CausationId, json);
                var hash = AuditChain.Hash(previous, link, AuditChain.CurrentLinkVersion);
                var entry = new AuditEntry
                {
                    Id = AuditEntry.IdOf(e.StreamId, e.Version),
                    HouseholdId = e.StreamId,
                    HouseholdNumber = number,
                    Version = e.Version,
                    Type = e.EventTypeName,
                    EffectiveDate = (e.Data as IHouseholdEvent)?.EffectiveDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    RecordedAt = e.Timestamp,
                    Actor = actor,
                    Reason = link.Reason,
                    Operation = link.Operation,
                    CorrelationId = e.CorrelationId,
                    CausationId = e.CausationId,
                    Data = JsonDocument.Parse(json).RootElement.Clone(),
                    PreviousHash = previous,
                    Hash = hash,
                    LinkVersion = AuditChain.CurrentLinkVersion,
                };
                operations.QueueSqlCommand(_insert, e.StreamId, e.Version, e.TenantId, e.TenantId, entry.Id, serializer.ToJson(entry),
                    Guid.CreateVersion7(), typeof(AuditEntry).FullName!, e.StreamId, e.Timestamp.ToUniversalTime(), entry.Type, actor);
                previous = hash;
            }
            if (folded is not null) folded.AuditHead = new AuditHead(appended[^1].Version, previous);
        }
    }

    /// <summary>
    /// The hash of the link before <paramref name="first"/>: genesis for a new household, the head the folded household
    /// carries when it is the link just before, else (a household last written before the head was kept on it) the row.
    /// </summary>
    private static async Task<(string Hash, string Number)> HeadBeforeAsync(
        IDocumentOperations operations, IEvent first, Household? folded, CancellationToken cancellation)
    {
        if (first.Version == 1) return (AuditChain.Genesis, "");
        if (folded?.AuditHead is { } head && head.Version == first.Version - 1) return (head.Hash, folded.Number);
        var last = await operations.LoadAsync<AuditEntry>(AuditEntry.IdOf(first.StreamId, first.Version - 1), cancellation)
                   ?? throw new InvalidOperationException($"Audit chain of {first.StreamId} has no link for version {first.Version - 1}.");
        return (last.Hash, last.HouseholdNumber);
    }

    /// <summary>
    /// The row as Marten would store it (its table, its metadata columns, the duplicated fields of LedgerSetup), with the
    /// sequence read from the event's own row. An event without a row leaves the sequence null, and the insert fails on
    /// the data column rather than writing a row without its sequence. A second row for one event is refused: a link is
    /// written once.
    /// </summary>
    private static string InsertSql(IReadOnlyStoreOptions options) =>
        $"with appended as (select seq_id from {options.Schema.ForEvents()} where stream_id = ? and version = ? and tenant_id = ?) " +
        $"insert into {options.Schema.For<AuditEntry>()} (tenant_id, id, data, mt_version, mt_dotnet_type, mt_last_modified, sequence, household_id, recorded_at, type, actor) " +
        "values (?, ?, jsonb_set(?::jsonb, '{sequence}', to_jsonb((select seq_id from appended))), ?, ?, transaction_timestamp(), " +
        "(select seq_id from appended), ?, ?, ?, ?)";
}

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

    public static string IdOf(Guid householdId, long version) => $"{householdId}:{version}";
}

/// <summary>
/// The hash chain. Each link is SHA-256 over the previous link and a canonical form of the event: its stored JSON
/// with keys sorted, and its metadata (household, version, sequence, type, recorded instant to the microsecond
/// PostgreSQL keeps, actor, reason, operation, correlation and causation ids). The first link's previous hash is
/// 64 zeros. Recomputing needs only the stored events.
/// </summary>
public static class AuditChain
{
    public static readonly string Genesis = new('0', 64);

    public sealed record Link(
        Guid HouseholdId, long Version, long Sequence, string Type, DateTimeOffset RecordedAt, string? Actor, string? Reason,
        string? Operation, string? CorrelationId, string? CausationId, string DataJson);

    public static string Hash(string previous, Link link)
    {
        var canonical = new JsonObject
        {
            ["actor"] = link.Actor,
            ["causationId"] = link.CausationId,
            ["correlationId"] = link.CorrelationId,
            ["data"] = Canonical(JsonNode.Parse(link.DataJson)),
            ["householdId"] = link.HouseholdId.ToString(),
            ["operation"] = link.Operation,
            ["reason"] = link.Reason,
            ["recordedAt"] = Microseconds(link.RecordedAt),
            ["sequence"] = link.Sequence,
            ["type"] = link.Type,
            ["version"] = link.Version,
        }.ToJsonString();
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(previous + "\n" + canonical)));
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
/// The audit trail, inline: rows and hash links commit in the same transaction as the events (Rich append mode gives
/// the projection each event's version, sequence and timestamp).
/// </summary>
public sealed class AuditTrailProjection : IProjection
{
    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var serializer = operations.DocumentStore.Options.Serializer();
        var heads = new Dictionary<Guid, (string Hash, string Number)>();
        foreach (var e in events.OrderBy(x => x.Sequence))
        {
            if (!heads.TryGetValue(e.StreamId, out var head))
            {
                var last = e.Version <= 1 ? null : await operations.LoadAsync<AuditEntry>(AuditEntry.IdOf(e.StreamId, e.Version - 1), cancellation)
                    ?? throw new InvalidOperationException($"Audit chain of {e.StreamId} has no link for version {e.Version - 1}.");
                head = (last?.Hash ?? AuditChain.Genesis, last?.HouseholdNumber ?? "");
            }
            var previous = head.Hash;
            var number = e.Data is HouseholdOpened opened ? opened.HouseholdNumber : head.Number;
            var json = serializer.ToJson(e.Data);
            var link = new AuditChain.Link(e.StreamId, e.Version, e.Sequence, e.EventTypeName, e.Timestamp, e.UserName ?? "anonymous",
                AuditChain.Header(e, "reason"), AuditChain.Header(e, "operation"), e.CorrelationId, e.CausationId, json);
            var hash = AuditChain.Hash(previous, link);
            operations.Store(new AuditEntry
            {
                Id = AuditEntry.IdOf(e.StreamId, e.Version),
                HouseholdId = e.StreamId,
                HouseholdNumber = number,
                Version = e.Version,
                Sequence = e.Sequence,
                Type = e.EventTypeName,
                EffectiveDate = (e.Data as IHouseholdEvent)?.EffectiveDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                RecordedAt = e.Timestamp,
                Actor = e.UserName ?? "anonymous",
                Reason = link.Reason,
                Operation = link.Operation,
                CorrelationId = e.CorrelationId,
                CausationId = e.CausationId,
                Data = JsonDocument.Parse(json).RootElement.Clone(),
                PreviousHash = previous,
                Hash = hash,
            });
            heads[e.StreamId] = (hash, number);
        }
    }
}

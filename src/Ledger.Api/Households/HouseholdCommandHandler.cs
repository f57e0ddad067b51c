using Ledger.Api.Hosting;
using Ledger.Api.Privacy;
using Ledger.Domain.Households;
using System.Text.Json;
using Ledger.Domain;
using Marten;
using NodaTime;

namespace Ledger.Api.Households;

/// <summary>Who asked for a write, why, and under which preconditions. Becomes event metadata.</summary>
public sealed record WriteContext(
    string Operation,
    string Actor,
    string? Reason,
    string CorrelationId,
    string CausationId,
    long? ExpectedVersion,
    string? IdempotencyKey,
    string RequestHash);

/// <summary>The HTTP answer to a write, decided inside the transaction so an idempotent repeat can return it verbatim.</summary>
public sealed record WriteAnswer(int Status, object Body, Guid HouseholdId, long Version, string? Location)
{
    /// <summary>True when this is the stored answer to an earlier request with the same idempotency key.</summary>
    public bool Replayed { get; init; }
}

/// <summary>
/// The one Wolverine message for every write to a household stream: the domain command plus its context.
/// <see cref="Answer"/> turns the new version and the appended events into the HTTP answer.
/// </summary>
public sealed record HouseholdCommand(
    Guid HouseholdId,
    object Command,
    WriteContext Context,
    Func<long, IReadOnlyList<object>, WriteAnswer> Answer)
{
    // Logged by Wolverine when a command is refused: never print the command's fields (names, id numbers).
    public override string ToString() => $"{Command.GetType().Name} for household {HouseholdId} ({Context.Operation} by {Context.Actor})";
}

/// <summary>The stored first answer to a request carrying an <c>Idempotency-Key</c>.</summary>
public sealed record IdempotentWrite(
    string Id,
    string RequestHash,
    Guid HouseholdId,
    int Status,
    string Body,
    long Version,
    string? Location,
    Instant RecordedAt);

/// <summary>Thrown when <c>If-Match</c> names a version other than the stream's current one.</summary>
public sealed class StaleVersionException(long expected, long actual)
    : Exception($"The household is at version {actual}, not {expected}.")
{
    public long Expected { get; } = expected;
    public long Actual { get; } = actual;
}

/// <summary>
/// Fetch, decide, append: the aggregate workflow for a household. Writers to one household queue on its stream
/// row (and writers with one idempotency key on a transaction-scoped advisory lock), so concurrent commands are
/// decided one after the other against the latest state instead of failing and retrying. Events, the inline coverage view
/// and the idempotency record commit in one PostgreSQL transaction; Marten still checks the fetched version
/// at commit, as a second line of defence.
/// </summary>
public static class HouseholdCommandHandler
{
    public static async Task<WriteAnswer> Handle(
        HouseholdCommand message, IDocumentSession session, BusinessCalendar calendar, CancellationToken ct)
    {
        var context = message.Context;
        await session.BeginTransactionAsync(ct);
        // Always the key first, then the household's stream row: one order everywhere, so two writers cannot deadlock.
        if (context.IdempotencyKey is { } key)
        {
            await LockAsync(session, "idempotency:" + key, ct);
            if (await session.LoadAsync<IdempotentWrite>(key, ct) is { } stored)
                return Replay(stored, context.RequestHash);
        }
        IReadOnlyList<object> events;
        long version;
        if (message.Command is OpenHousehold)
        {
            // A new stream needs no lock: its id is new, and a second start of the same id fails at commit.
            events = HouseholdDecider.Decide(message.Command, null, calendar.Today);
            session.Events.StartStream<Household>(message.HouseholdId,
                PersonalDataVault.Protect(session, message.HouseholdId, events, calendar.Now, NoKeys));
            version = events.Count;
        }
        else
        {
            // Writers to one household queue on its stream row (select ... for update, in the same round trip as the
            // stored household), so each decides against the latest state; lock_timeout bounds the wait.
            var stream = await session.Events.FetchForExclusiveWriting<Household>(message.HouseholdId, ct);
            if (stream.Aggregate is null) throw HouseholdDecider.UnknownHousehold();
            var current = stream.StartingVersion ?? 0;
            if (context.ExpectedVersion is { } expected && expected != current)
                throw new StaleVersionException(expected, current);

            // The domain decides on plaintext; the event store only ever receives encrypted personal data.
            var (state, keys) = await PersonalDataVault.RevealWithKeysAsync(session, stream.Aggregate, ct);
            events = HouseholdDecider.Decide(message.Command, state, calendar.Today);
            stream.AppendMany(PersonalDataVault.Protect(session, message.HouseholdId, events, calendar.Now, keys));
            if (message.Command is SplitHousehold split)
            {
                // The new household starts in the same transaction: the split happens whole or not at all.
                var opened = HouseholdDecider.NewHouseholdFromSplit(split, state);
                session.Events.StartStream<Household>(split.NewHouseholdId,
                    PersonalDataVault.Protect(session, split.NewHouseholdId, opened, calendar.Now, keys));
            }
            foreach (var shredded in events.OfType<PersonalDataShredded>())
                session.Delete<PersonKey>(shredded.PersonId);
            version = current + events.Count;
        }

        session.CorrelationId = context.CorrelationId;
        session.CausationId = context.CausationId;
        session.LastModifiedBy = context.Actor;
        session.SetHeader("operation", context.Operation);
        if (context.Reason is not null) session.SetHeader("reason", context.Reason);

        var answer = message.Answer(version, events);
        if (context.IdempotencyKey is { } idempotencyKey)
        {
            session.Store(new IdempotentWrite(
                idempotencyKey, context.RequestHash, message.HouseholdId, answer.Status,
                JsonSerializer.Serialize(answer.Body, LedgerJson.Options),
                answer.Version, answer.Location, calendar.Now));
        }

        await session.SaveChangesAsync(ct);
        return answer;
    }

    private static WriteAnswer Replay(IdempotentWrite stored, string requestHash) =>
        stored.RequestHash == requestHash
            ? new WriteAnswer(stored.Status, JsonSerializer.Deserialize<JsonElement>(stored.Body), stored.HouseholdId, stored.Version, stored.Location)
            {
                Replayed = true,
            }
            : throw new DomainRuleViolated("IdempotencyKeyReused",
                $"Idempotency-Key '{stored.Id}' was first used with a different request; use a new key for a new request.");

    private static readonly IReadOnlyDictionary<Guid, byte[]> NoKeys = new Dictionary<Guid, byte[]>();

    // lock_timeout (LedgerSetup.DataSource) bounds the wait: a queue of writers must not hold every pooled connection.
    private static Task LockAsync(IDocumentSession session, string name, CancellationToken ct) =>
        session.AdvancedSql.QueryAsync<int>(
            "select 1 from (select pg_advisory_xact_lock(hashtextextended(?, 0))) as locked", ct, name);
}

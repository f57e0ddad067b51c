using System.Text.Json;
using JasperFx.Events;
using Ledger.Api.Hosting;
using Ledger.Api.Privacy;
using Ledger.Domain;
using Ledger.Domain.Households;
using Marten;
using NodaTime;

namespace Ledger.Api.Households;

/// <summary>Who asked for a write, why, and under which preconditions. Becomes event metadata.</summary>
public sealed record WriteContext(
    string Actor,
    string? Reason,
    string CorrelationId,
    string CausationId,
    long? ExpectedVersion = null,
    string? IdempotencyKey = null,
    string RequestHash = "");

/// <summary>
/// One command to one household as Wolverine carries it: the typed domain command, so each operation has its own
/// handler (<c>JoinMemberHandler</c> handles <c>HouseholdWrite&lt;JoinMember&gt;</c>) and a log line or a stack trace
/// names the command.
/// </summary>
public sealed record HouseholdWrite<TCommand>(Guid HouseholdId, TCommand Command, WriteContext Context) where TCommand : notnull
{
    // Logged by Wolverine when a command is refused: never print the command's fields (names, id numbers).
    public override string ToString() => $"{typeof(TCommand).Name} for household {HouseholdId} by {Context.Actor}";
}

/// <summary>The HTTP answer to a write, decided inside the transaction so an idempotent repeat can return it verbatim.</summary>
public sealed record WriteAnswer(int Status, object Body, Guid HouseholdId, long Version, string? Location)
{
    /// <summary>True when this is the stored answer to an earlier request with the same idempotency key.</summary>
    public bool Replayed { get; init; }

    public static WriteAnswer Ok(object body, Decision decision) =>
        new(StatusCodes.Status200OK, body, decision.HouseholdId, decision.Version, null);

    public static WriteAnswer Created(object body, Decision decision, Guid location) =>
        new(StatusCodes.Status201Created, body, decision.HouseholdId, decision.Version, $"/households/{location}");
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

/// <summary>What a command decided, in plaintext, and the household's version once it is appended.</summary>
public sealed class Decision
{
    private readonly IDocumentSession _session;
    private readonly IReadOnlyDictionary<Guid, byte[]> _keys;
    private readonly Instant _now;
    private readonly object _command;
    private readonly WriteContext _context;

    internal Decision(IDocumentSession session, Guid householdId, Household? before, IReadOnlyList<object> events, long version,
        IReadOnlyDictionary<Guid, byte[]> keys, Instant now, object command, WriteContext context)
    {
        _session = session;
        _keys = keys;
        _now = now;
        _command = command;
        _context = context;
        HouseholdId = householdId;
        Before = before;
        Events = events;
        Version = version;
    }

    public Guid HouseholdId { get; }

    /// <summary>The household the command was decided on; null for an opening.</summary>
    public Household? Before { get; }

    public IReadOnlyList<object> Events { get; }

    public long Version { get; }

    /// <summary>The one event of a kind the command always records (the underwriting of an application, say).</summary>
    public T Single<T>() => Events.OfType<T>().Single();

    /// <summary>Starts another household in the same transaction (a split), its people keeping their data keys.</summary>
    public void StartHousehold(Guid householdId, IReadOnlyList<object> events) =>
        HouseholdWriter.Stamp(_session.Events.StartStream<Household>(householdId,
            PersonalDataVault.Protect(_session, householdId, events, _now, _keys)).Events, _command, _context);
}

/// <summary>
/// What every household write does inside its transaction, once for all operations (decision 0004): answer a repeated
/// idempotency key with the stored answer; fetch the household for writing; reveal its personal data so the domain
/// decides on plaintext; decide; append the events encrypted; stamp the metadata; remember the answer. Saving is the
/// caller's: Wolverine's transactional middleware for a handler, an explicit <c>SaveChangesAsync</c> elsewhere.
/// </summary>
public static class HouseholdWriter
{
    /// <summary>A command on an existing household.</summary>
    public static async Task<WriteAnswer> WriteAsync<TCommand>(
        IDocumentSession session, BusinessCalendar calendar, HouseholdWrite<TCommand> write, CancellationToken ct, Func<Decision, WriteAnswer> answer)
        where TCommand : IHouseholdCommand =>
        await ReplayAsync(session, write.Context, ct)
        ?? Remember(session, calendar, write.Context, answer(await DecideAsync(session, calendar, write.HouseholdId, write.Command, write.Context, ct)));

    /// <summary>Opening a household: a new stream, so nothing to fetch.</summary>
    public static async Task<WriteAnswer> OpenAsync(
        IDocumentSession session, BusinessCalendar calendar, HouseholdWrite<OpenHousehold> write, CancellationToken ct, Func<Decision, WriteAnswer> answer) =>
        await ReplayAsync(session, write.Context, ct)
        ?? Remember(session, calendar, write.Context, answer(Open(session, calendar, write.HouseholdId, write.Command, write.Context)));

    /// <summary>
    /// Fetch, decide, append. Without <c>If-Match</c> a writer queues on the household's stream row
    /// (<c>FetchForExclusiveWriting</c>: select … for update, in the round trip that loads the household), so concurrent
    /// commands are decided one after the other against the latest state and none fails for being second. With it,
    /// Marten's <c>FetchForWriting(id, version)</c> checks the expected version when it loads and again when it appends.
    /// </summary>
    public static async Task<Decision> DecideAsync(
        IDocumentSession session, BusinessCalendar calendar, Guid householdId, IHouseholdCommand command, WriteContext context, CancellationToken ct)
    {
        await session.BeginTransactionAsync(ct);
        // One round trip: the household (its stream row locked, or its version checked) and the data keys of its people,
        // a newcomer's made in the same statement.
        var batch = session.CreateBatchQuery();
        var fetching = context.ExpectedVersion is { } expected
            ? batch.Events.FetchForWriting<Household>(householdId, expected)
            : batch.Events.FetchForExclusiveWriting<Household>(householdId);
        var keysCreatedHere = PersonalDataVault.KeysForWriting(batch, session, householdId,
            PersonalDataVault.NewKeys(householdId, command.Newcomers, calendar.Now));
        await batch.Execute(ct);
        return await DecideOnAsync(session, calendar, await fetching, await keysCreatedHere, command, context, ct);
    }

    /// <summary>
    /// The command decided on its fetched household and appended; the one-command path and a group commit share it. A
    /// refusal is thrown before anything of the command is in the session.
    /// </summary>
    internal static async Task<Decision> DecideOnAsync(IDocumentSession session, BusinessCalendar calendar, IEventStream<Household> stream,
        IReadOnlyList<PersonKey> keysCreatedHere, IHouseholdCommand command, WriteContext context, CancellationToken ct)
    {
        // Marten registers an empty stream for an id it did not find; with no events it writes nothing.
        if (stream.Aggregate is null) throw HouseholdDecider.UnknownHousehold();
        // The domain decides on plaintext; the event store only ever receives encrypted personal data.
        var (state, keys) = await PersonalDataVault.RevealWithKeysAsync(session, stream.Aggregate, keysCreatedHere, ct);
        return Append(session, calendar, stream, state, keys, command, context, HouseholdDecider.Decide(command, state, calendar.Today));
    }

    /// <summary>What a command decided, appended to its fetched household: encrypted, stamped, the shredded keys deleted.</summary>
    private static Decision Append(IDocumentSession session, BusinessCalendar calendar, IEventStream<Household> stream, Household state,
        IReadOnlyDictionary<Guid, byte[]> keys, IHouseholdCommand command, WriteContext context, IReadOnlyList<object> events)
    {
        stream.AppendMany(PersonalDataVault.Protect(session, stream.Id, events, calendar.Now, keys));
        Stamp(stream.Events, command, context);
        foreach (var shredded in events.OfType<PersonalDataShredded>())
            session.Delete<PersonKey>(shredded.PersonId);
        return new Decision(session, stream.Id, state, events, (stream.StartingVersion ?? 0) + events.Count, keys, calendar.Now, command, context);
    }

    public static Decision Open(IDocumentSession session, BusinessCalendar calendar, Guid householdId, OpenHousehold command, WriteContext context)
    {
        // A new stream needs no lock: its id is new, and a second start of the same id fails at commit.
        var events = HouseholdDecider.Decide(command, calendar.Today);
        var started = session.Events.StartStream<Household>(householdId, PersonalDataVault.Protect(session, householdId, events, calendar.Now, NoKeys));
        Stamp(started.Events, command, context);
        return new Decision(session, householdId, null, events, events.Count, NoKeys, calendar.Now, command, context);
    }

    /// <summary>
    /// The metadata of one command's events, on the events themselves rather than on the session: a group commit's
    /// session carries several commands, each with its own actor, reason and correlation (Marten keeps what an event
    /// has and fills only what is missing from the session).
    /// </summary>
    internal static void Stamp(IEnumerable<IEvent> events, object command, WriteContext context)
    {
        var operation = command.GetType().Name;
        foreach (var e in events)
        {
            e.CorrelationId = context.CorrelationId;
            e.CausationId = context.CausationId;
            e.UserName = context.Actor;
            e.SetHeader("operation", operation);
            if (context.Reason is not null) e.SetHeader("reason", context.Reason);
        }
    }

    /// <summary>
    /// The stored answer when this idempotency key was used before. Writers with one key queue on a transaction-scoped
    /// advisory lock, taken before the household's row (one order everywhere, so two writers cannot deadlock), so 20
    /// concurrent repeats append once and all get the first answer: Wolverine's <c>[DeduplicatedWithResponse]</c> would
    /// let concurrent repeats through (decision 0005).
    /// </summary>
    private static async Task<WriteAnswer?> ReplayAsync(IDocumentSession session, WriteContext context, CancellationToken ct)
    {
        if (context.IdempotencyKey is not { } key) return null;
        await session.BeginTransactionAsync(ct);
        // lock_timeout (LedgerSetup.DataSource) bounds the wait: a queue of writers must not hold every pooled connection.
        await session.AdvancedSql.QueryAsync<string>(IdempotencyLockSql, ct, IdempotencyLock(key));
        return ReplayOf(await session.LoadAsync<IdempotentWrite>(key, ct), context);
    }

    /// <summary>Takes the idempotency key's transaction-scoped advisory lock (one parameter: <see cref="IdempotencyLock"/>).</summary>
    internal const string IdempotencyLockSql = "select 'locked'::text from (select pg_advisory_xact_lock(hashtextextended(?, 0))) as locked";

    internal static string IdempotencyLock(string key) => "idempotency:" + key;

    /// <summary>The stored first answer to this key, or null when the key is new; a refusal when it came with another request.</summary>
    internal static WriteAnswer? ReplayOf(IdempotentWrite? stored, WriteContext context)
    {
        if (stored is null) return null;
        return stored.RequestHash == context.RequestHash
            ? new WriteAnswer(stored.Status, JsonSerializer.Deserialize<JsonElement>(stored.Body), stored.HouseholdId, stored.Version, stored.Location)
            {
                Replayed = true,
            }
            : throw new DomainRuleViolated("IdempotencyKeyReused",
                $"Idempotency-Key '{stored.Id}' was first used with a different request; use a new key for a new request.");
    }

    internal static WriteAnswer Remember(IDocumentSession session, BusinessCalendar calendar, WriteContext context, WriteAnswer answer)
    {
        if (context.IdempotencyKey is { } key)
            session.Store(new IdempotentWrite(key, context.RequestHash, answer.HouseholdId, answer.Status,
                JsonSerializer.Serialize(answer.Body, LedgerJson.Options), answer.Version, answer.Location, calendar.Now));
        return answer;
    }

    private static readonly IReadOnlyDictionary<Guid, byte[]> NoKeys = new Dictionary<Guid, byte[]>();
}

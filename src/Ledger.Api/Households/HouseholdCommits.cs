using System.Collections.Concurrent;
using System.Threading.Channels;
using JasperFx.Events;
using Ledger.Api.Privacy;
using Ledger.Domain;
using Ledger.Domain.Households;

namespace Ledger.Api.Households;

/// <summary>
/// Commits the writes to different households that arrive together in one transaction (group commit, decision 0016):
/// BEGIN, COMMIT and the audit rows' insert are paid once per group and the reads ride in one batch, which halves
/// PostgreSQL's CPU per command (docs/performance.md, "Group commit, built"). A write arriving while the node's groups
/// are all in flight waits for the next group; at low load each write is a group of one, with no timer and no added
/// latency. Each command is decided alone and answered alone: a refusal appends nothing and leaves its neighbours
/// untouched; a group PostgreSQL refuses as a whole (a deadlock, a lock timeout, a unique key) sends every command
/// back to be run alone, on the one-command path, so the answer each client gets is its own; a group whose commit's
/// outcome is unknown fails every command rather than risk appending it twice.
/// </summary>
public sealed class HouseholdCommits
{
    private readonly IDocumentStore _store;
    private readonly BusinessCalendar _calendar;
    private readonly ILogger<HouseholdCommits> _log;
    private readonly CancellationToken _stopping;
    private readonly ConcurrentDictionary<string, Lazy<Lane>> _lanes = new();
    private readonly Timer _retiring;

    /// <summary>
    /// A tenant's lane that carried no group for this long is retired: its runners end and its queue goes, so a node
    /// serving tenants that come and go (a migration, an insurer that left) keeps only the lanes in use. The tenant's
    /// next write starts a new lane.
    /// </summary>
    public static readonly TimeSpan IdleLaneLifetime = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a group waits for a household row or an idempotency key another transaction holds before its commands
    /// run alone (each then waits up to the connection's lock_timeout, 10 s): one busy household must not hold up the
    /// fifteen others of its group, nor, with two groups in flight, the tenant's every write.
    /// </summary>
    private const string GroupLockTimeout = "250ms";

    public HouseholdCommits(IDocumentStore store, BusinessCalendar calendar, IConfiguration configuration, IHostApplicationLifetime lifetime,
        ILogger<HouseholdCommits> log)
    {
        _store = store;
        _calendar = calendar;
        _log = log;
        _stopping = lifetime.ApplicationStopping;
        GroupSize = configuration.GetValue("Ledger:Writes:GroupSize", 16);
        Groups = configuration.GetValue("Ledger:Writes:Groups", 2);
        if (GroupSize < 1 || Groups < 1)
            throw new InvalidOperationException("Ledger:Writes:GroupSize and Ledger:Writes:Groups must be at least 1.");
        _retiring = new Timer(static c => ((HouseholdCommits)c!).RetireIdleLanes(IdleLaneLifetime), this, IdleLaneLifetime, IdleLaneLifetime);
        _stopping.UnsafeRegister(static t => ((Timer)t!).Dispose(), _retiring);
    }

    /// <summary>The tenants with a lane on this node.</summary>
    public IReadOnlyCollection<string> TenantsWithALane => _lanes.Keys.ToList();

    /// <summary>
    /// Retires every lane that carried no group for <paramref name="idleFor"/> (<see cref="IdleLaneLifetime"/> on a
    /// timer): it leaves the tenants' map first, so a new write starts a new lane, then its queue is closed; a write that
    /// took the old lane a moment before runs alone, and what was queued by then is still committed by its runners.
    /// </summary>
    public int RetireIdleLanes(TimeSpan idleFor)
    {
        var retired = 0;
        foreach (var entry in _lanes)
        {
            if (!entry.Value.IsValueCreated) continue;
            var lane = entry.Value.Value;
            if (Environment.TickCount64 - Volatile.Read(ref lane.LastGroupAt) < idleFor.TotalMilliseconds || !_lanes.TryRemove(entry)) continue;
            lane.Close();
            retired++;
        }
        return retired;
    }

    /// <summary>At most this many commands in one transaction; 1 turns group commit off.</summary>
    public int GroupSize { get; }

    /// <summary>Transactions in flight at once per tenant on this node, each carrying one group.</summary>
    public int Groups { get; }

    /// <summary>Commands this node committed in a transaction shared with at least one other (since start).</summary>
    public long CommandsSharingACommit => Interlocked.Read(ref _commandsSharingACommit);

    private long _commandsSharingACommit;

    /// <summary>
    /// A command on an existing household, in the next group of its tenant; alone, in <paramref name="session"/> (which
    /// Wolverine's transactional middleware commits), when it checks an expected version (<c>If-Match</c> must be
    /// answered from the one version it read), when its flow records at a pinned instant (the demo's story), or when its
    /// group failed.
    /// </summary>
    public async Task<WriteAnswer> WriteAsync<TCommand>(
        IDocumentSession session, HouseholdWrite<TCommand> write, CancellationToken ct, Func<Decision, WriteAnswer> answer)
        where TCommand : IHouseholdCommand
    {
        if (GroupSize > 1 && write.Context.ExpectedVersion is null && !RecordingTime.IsPinned)
        {
            var pending = new PendingWrite(write.HouseholdId, write.Command, write.Context, answer);
            // A lane refuses new writes when it is full or the host is stopping: they run alone rather than wait.
            if (LaneOf(session.TenantId).Queue.Writer.TryWrite(pending))
            {
                // A client that gives up (an aborted request, the edge's timeout) withdraws its write: a group that has
                // not yet decided it leaves it out, as a cancelled command alone would have rolled back.
                await using (ct.UnsafeRegister(static p => ((PendingWrite)p!).Withdraw(), pending))
                    if (await pending.Done.Task is { } grouped) return grouped;
            }
        }
        return await HouseholdWriter.WriteAsync(session, _calendar, write, ct, answer);
    }

    // Lazy: GetOrAdd may run a factory twice under contention, and a lane's runners must start once.
    private Lane LaneOf(string tenant) => _lanes.GetOrAdd(tenant, t => new Lazy<Lane>(() =>
    {
        // Bounded so that an overloaded node answers from the one-command path instead of queueing without end.
        var lane = new Lane(Channel.CreateBounded<PendingWrite>(new BoundedChannelOptions(GroupSize * Groups * 8) { SingleReader = false }));
        lane.Stopping = _stopping.UnsafeRegister(static l => ((Lane)l!).Close(), lane);
        // The runners outlive the request that happened to start them: none of its activity, culture or scope flows.
        using (ExecutionContext.SuppressFlow())
            for (var i = 0; i < Groups; i++) _ = Task.Run(() => RunAsync(t, lane));
        return lane;
    })).Value;

    /// <summary>A tenant's queue of writes and when one of its runners last took a group from it.</summary>
    private sealed class Lane(Channel<PendingWrite> queue)
    {
        public Channel<PendingWrite> Queue { get; } = queue;

        public long LastGroupAt = Environment.TickCount64;

        public CancellationTokenRegistration Stopping { get; set; }

        /// <summary>No write joins it from now on; its runners commit what it holds, then end.</summary>
        public void Close()
        {
            Queue.Writer.TryComplete();
            // Unregister, not Dispose: this also runs as the registration's own callback, which Dispose would wait for.
            Stopping.Unregister();
        }
    }

    private async Task RunAsync(string tenant, Lane lane)
    {
        var queue = lane.Queue.Reader;
        var group = new List<PendingWrite>(GroupSize);
        var households = new HashSet<Guid>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        // Ends once the lane is closed (the host stopping, or the lane retired) and empty; when the host stops, what is
        // still queued runs alone, in its own handler.
        while (await queue.WaitToReadAsync())
        {
            group.Clear();
            households.Clear();
            keys.Clear();
            while (group.Count < GroupSize && queue.TryRead(out var write))
            {
                if (write.Done.Task.IsCompleted) continue; // withdrawn
                // Two commands to one household, or two with one idempotency key, are decided one after the other:
                // the second runs alone and queues behind the group on the household's row (or the key's lock).
                if (_stopping.IsCancellationRequested || !households.Add(write.HouseholdId)
                    || (write.Context.IdempotencyKey is { } key && !keys.Add(key)))
                    write.RunAlone();
                else
                    group.Add(write);
            }
            Volatile.Write(ref lane.LastGroupAt, Environment.TickCount64);
            if (group.Count > 0) await CommitAsync(tenant, group);
        }
    }

    private async Task CommitAsync(string tenant, List<PendingWrite> group)
    {
        var committing = false;
        try
        {
            await using var session = _store.LightweightSession(tenant);
            await session.BeginTransactionAsync(_stopping);

            // One round trip for what the whole group reads. Locks in one order everywhere (every idempotency key in
            // ordinal order, then every household in id order), so two groups, here or on another node, cannot deadlock.
            var batch = session.CreateBatchQuery();
            _ = batch.Query<string>("select set_config('lock_timeout', ?, true)", GroupLockTimeout);
            var stored = new Task<IdempotentWrite?>?[group.Count];
            foreach (var i in Enumerable.Range(0, group.Count).Where(i => group[i].Context.IdempotencyKey is not null)
                         .OrderBy(i => group[i].Context.IdempotencyKey, StringComparer.Ordinal))
            {
                var key = group[i].Context.IdempotencyKey!;
                _ = batch.Query<string>(HouseholdWriter.IdempotencyLockSql, HouseholdWriter.IdempotencyLock(key));
                stored[i] = batch.Load<IdempotentWrite>(key);
            }
            var streams = new Task<IEventStream<Household>>[group.Count];
            var keysCreated = new Task<IReadOnlyList<PersonKey>>[group.Count];
            var newcomersKeys = new IReadOnlyList<PersonKey>[group.Count];
            foreach (var i in Enumerable.Range(0, group.Count).OrderBy(i => group[i].HouseholdId))
            {
                var id = group[i].HouseholdId;
                streams[i] = batch.Events.FetchForExclusiveWriting<Household>(id);
                newcomersKeys[i] = PersonalDataVault.NewKeys(id, group[i].Command.Newcomers, _calendar.Now);
                keysCreated[i] = PersonalDataVault.KeysForWriting(batch, session, id, newcomersKeys[i]);
            }
            await batch.Execute(_stopping);

            var answers = new WriteAnswer?[group.Count];
            var refusals = new DomainRuleViolated?[group.Count];
            var accepted = 0;
            for (var i = 0; i < group.Count; i++)
            {
                var write = group[i];
                if (write.Done.Task.IsCompleted) continue; // withdrawn since it was queued
                try
                {
                    answers[i] = stored[i] is { } repeat && HouseholdWriter.ReplayOf(await repeat, write.Context) is { } replayed
                        ? replayed
                        : await DecideAsync(session, write, await streams[i], await keysCreated[i]);
                    if (!answers[i]!.Replayed) accepted++;
                }
                catch (DomainRuleViolated refused) when (answers[i] is null && !HasChangesFor(session, write.HouseholdId))
                {
                    refusals[i] = refused;
                }
            }
            // A command replayed, refused or withdrawn made its newcomers' keys all the same, in the batch; its
            // neighbours' commit must not keep them.
            for (var i = 0; i < group.Count; i++)
                if (answers[i] is null or { Replayed: true })
                    foreach (var made in PersonalDataVault.MadeBy(newcomersKeys[i], await keysCreated[i]))
                        PersonalDataVault.Unmake(session, made);
            committing = true;
            // Not cancelled by the host stopping: a commit cut off half way leaves its outcome unknown.
            if (accepted > 0) await session.SaveChangesAsync(CancellationToken.None);
            committing = false;
            if (accepted > 1) Interlocked.Add(ref _commandsSharingACommit, accepted);

            for (var i = 0; i < group.Count; i++)
                if (refusals[i] is { } refused) group[i].Done.TrySetException(refused);
                else group[i].Done.TrySetResult(answers[i]);
        }
        catch (Exception e) when (committing && (DatabaseOutage.Caused(e) || !ReportedByPostgres(e)))
        {
            // The connection broke while the commit ran: it may have committed. Running the commands again could append
            // them twice, so each fails as it would have alone (503 at the edge), and its client decides.
            _log.LogWarning(e, "A group of {Count} household writes lost its connection while committing.", group.Count);
            foreach (var write in group) write.Done.TrySetException(e);
        }
        catch (Exception e)
        {
            // PostgreSQL refused the transaction (or it never reached the commit): nothing of it is stored.
            _log.LogDebug(e, "A group of {Count} household writes failed as a whole; each runs again alone.", group.Count);
        }
        finally
        {
            foreach (var write in group) write.RunAlone();
        }
    }

    private async Task<WriteAnswer> DecideAsync(IDocumentSession session, PendingWrite write, IEventStream<Household> stream, IReadOnlyList<PersonKey> keysCreated)
    {
        var decision = await HouseholdWriter.DecideOnAsync(session, _calendar, stream, keysCreated, write.Command, write.Context, _stopping);
        return HouseholdWriter.Remember(session, _calendar, write.Context, write.Answer(decision));
    }

    /// <summary>PostgreSQL refused a statement of the transaction, which then rolls back.</summary>
    private static bool ReportedByPostgres(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is Npgsql.PostgresException) return true;
        return false;
    }

    private static bool HasChangesFor(IDocumentSession session, Guid householdId) =>
        session.PendingChanges.Streams().Any(s => s.Id == householdId && s.Events.Count > 0);

    private sealed class PendingWrite(Guid householdId, IHouseholdCommand command, WriteContext context, Func<Decision, WriteAnswer> answer)
    {
        public Guid HouseholdId { get; } = householdId;
        public IHouseholdCommand Command { get; } = command;
        public WriteContext Context { get; } = context;
        public Func<Decision, WriteAnswer> Answer { get; } = answer;

        /// <summary>The answer, a refusal, or null: run the command alone.</summary>
        public TaskCompletionSource<WriteAnswer?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void RunAlone() => Done.TrySetResult(null);

        public void Withdraw() => Done.TrySetCanceled();
    }
}

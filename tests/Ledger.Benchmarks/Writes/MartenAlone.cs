using Ledger.Api.Hosting;
using Ledger.Api.Security;
using Ledger.Domain.Households;
using Marten;
using NodaTime;

namespace Ledger.Benchmarks.Writes;

/// <summary>
/// The library's own floor for a member joining: the ledger's event store (LedgerSetup.ConfigureStore: Quick appends,
/// conjoined tenancy, inline household view and audit chain), one session per command that fetches the household for
/// writing and appends one event with the ledger's metadata. No HTTP, no ledger code around it. It lives in a schema of
/// its own, so the ledger's async daemon never sees these events.
/// </summary>
internal sealed class MartenAlone(string connectionString) : IDisposable
{
    public const string Schema = "bench_marten";
    private static readonly LocalDate OpenedOn = new(2024, 1, 1);
    private static readonly LocalDate JoinedOn = new(2024, 6, 1);
    private readonly DocumentStore _store = new(Configure(connectionString));
    private static int _households;

    private static StoreOptions Configure(string connectionString)
    {
        var options = LedgerSetup.ConfigureStore(new StoreOptions(), connectionString, SystemClock.Instance);
        options.DatabaseSchemaName = Schema;
        return options;
    }

    public Task PrepareAsync() => _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

    /// <summary>Households opened straight into the store, a few hundred per transaction (the holder joins with the opening).</summary>
    public async Task<Guid[]> OpenHouseholdsAsync(int count)
    {
        var ids = new Guid[count];
        for (var from = 0; from < count; from += 250)
        {
            await using var session = Session("OpenHousehold");
            for (var i = from; i < Math.Min(count, from + 250); i++)
            {
                ids[i] = Guid.CreateVersion7();
                var holder = Guid.CreateVersion7();
                session.Events.StartStream<Household>(ids[i],
                    new HouseholdOpened(ids[i], $"HM{Interlocked.Increment(ref _households):D8}", holder, OpenedOn),
                    new MemberJoined(holder, "户主", new LocalDate(1980, 3, 1), Relationship.Self, null, OpenedOn));
            }
            await session.SaveChangesAsync();
        }
        return ids;
    }

    public async Task JoinMemberAsync(Guid household, int n, CancellationToken ct)
    {
        await using var session = Session(nameof(JoinMember));
        var stream = await session.Events.FetchForWriting<Household>(household, ct);
        if (stream.Aggregate is null) throw new InvalidOperationException($"Household {household} is not there.");
        stream.AppendOne(new MemberJoined(Guid.CreateVersion7(), $"成员{n % 16}号", new LocalDate(2010, 5, 5), Relationship.Child, null, JoinedOn));
        await session.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Group commit, measured on the library alone: one session fetches several households for writing in one batched
    /// query, appends one join to each and commits them in one transaction (what a ledger that coalesced concurrent
    /// commands for different households would ask of PostgreSQL). Not what the ledger does: a measure of what it would buy.
    /// </summary>
    public async Task JoinMembersAsync(IReadOnlyList<Guid> households, int n, CancellationToken ct)
    {
        await using var session = Session(nameof(JoinMember));
        var batch = session.CreateBatchQuery();
        var fetches = households.Select(h => batch.Events.FetchForWriting<Household>(h)).ToArray();
        await batch.Execute(ct);
        foreach (var fetch in fetches)
        {
            var stream = await fetch;
            if (stream.Aggregate is null) throw new InvalidOperationException($"Household {stream.Id} is not there.");
            stream.AppendOne(new MemberJoined(Guid.CreateVersion7(), $"成员{n % 16}号", new LocalDate(2010, 5, 5), Relationship.Child, null, JoinedOn));
        }
        await session.SaveChangesAsync(ct);
    }

    private IDocumentSession Session(string operation)
    {
        var session = _store.LightweightSession(Tenancy.Default);
        session.CorrelationId = Guid.NewGuid().ToString("N");
        session.CausationId = "bench";
        session.LastModifiedBy = "bench.clerk";
        session.SetHeader("operation", operation);
        return session;
    }

    public void Dispose() => _store.Dispose();
}

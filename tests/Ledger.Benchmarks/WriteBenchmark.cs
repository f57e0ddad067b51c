using System.Diagnostics;
using Ledger.Api.Hosting;
using Ledger.Api.Households;
using Ledger.Domain.Households;
using Marten;
using Microsoft.Extensions.Configuration;
using NodaTime;
using Npgsql;

/// <summary>
/// The write path as the API runs it (advisory locks, fetch, decide, encrypt personal data, append in Rich mode, inline
/// household view and audit chain, idempotency-free) from 16 concurrent writers, each on its own household, beside raw
/// single-row inserts of a ~300-byte row per transaction from 16 writers: the pgbench-style anchor of STACK-NOTES.
/// </summary>
internal static class WriteBenchmark
{
    private const int Writers = 16;

    public static async Task<int> RunAsync(int commands)
    {
        await using var postgres = await EmbeddedPostgres.StartThrowawayAsync();
        var clock = SystemClock.Instance;
        using var store = new DocumentStore(LedgerSetup.ConfigureStore(new StoreOptions(), postgres.ConnectionString, clock));
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var calendar = new BusinessCalendar(clock, new ConfigurationBuilder().Build());
        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        await using (var create = dataSource.CreateCommand("create table bench_rows (id bigserial primary key, payload text not null)"))
            await create.ExecuteNonQueryAsync();

        var payload = new string('x', 300);
        var baseline = await Timed("raw insert, one row per transaction", commands, async _ =>
        {
            await using var command = dataSource.CreateCommand("insert into bench_rows (payload) values ($1)");
            command.Parameters.AddWithValue(payload);
            await command.ExecuteNonQueryAsync();
        });

        // Realistic families: each household is opened, then four members join (five commands), 16 writers in parallel.
        var ledger = await Timed("ledger commands (open household, 4 × join: lock, fetch, decide, encrypt, append, view, audit link)", commands, async i =>
        {
            var household = HouseholdOf(i);
            object command = i % 5 == 0
                ? new OpenHousehold(new PersonDetails($"户主{i}", new LocalDate(1980, 1, 1)), new LocalDate(2024, 1, 1))
                    { HouseholdId = household, HolderId = Guid.CreateVersion7(), HouseholdNumber = $"HB{i:D8}" }
                : new JoinMember($"成员{i}", new LocalDate(2010, 1, 1), Relationship.Child, new LocalDate(2024, 1, 1)) { PersonId = Guid.CreateVersion7() };
            await ExecuteAsync(store, calendar, household, command);
        }, partitionByWriter: true);

        Console.WriteLine();
        Console.WriteLine("| run | commands | seconds | per second | ratio to raw inserts |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var (name, seconds) in new[] { baseline, ledger })
            Console.WriteLine($"| {name} | {commands:N0} | {seconds:F2} | {commands / seconds:N0} | {baseline.Seconds / seconds:P1} |");
        return 0;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, Guid> Households = new();

    /// <summary>Commands 5k..5k+4 of a writer's sequence go to one household.</summary>
    private static Guid HouseholdOf(int i) => Households.GetOrAdd(i / 5, _ => Guid.CreateVersion7());

    private static async Task ExecuteAsync(IDocumentStore store, BusinessCalendar calendar, Guid household, object command)
    {
        await using var session = store.LightweightSession(Ledger.Api.Security.Tenancy.Default);
        await HouseholdCommandHandler.Handle(new HouseholdCommand(household, command,
                new WriteContext(command.GetType().Name, "benchmark", null, "bench", "bench", null, null, ""),
                (version, _) => new WriteAnswer(200, version, household, version, null)),
            session, calendar, CancellationToken.None);
    }

    /// <summary>Runs <paramref name="count"/> operations from 16 writers; with partitioning, writer w does whole blocks of five (one household).</summary>
    private static async Task<(string Name, double Seconds)> Timed(string name, int count, Func<int, Task> operation, bool partitionByWriter = false)
    {
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            if (partitionByWriter)
                for (var block = w; block * 5 < count; block += Writers)
                    for (var i = block * 5; i < Math.Min(count, block * 5 + 5); i++) await operation(i);
            else
                for (int i; (i = Interlocked.Increment(ref next)) < count;) await operation(i);
        })));
        watch.Stop();
        Console.WriteLine($"{name}: {count:N0} in {watch.Elapsed.TotalSeconds:F2} s");
        return (name, watch.Elapsed.TotalSeconds);
    }
}

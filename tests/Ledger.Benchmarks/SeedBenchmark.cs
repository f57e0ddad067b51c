using System.Diagnostics;
using System.Globalization;
using Ledger.Api.Hosting;
using Ledger.Api.Households;
using Ledger.Api.Seeding;
using Marten;
using Microsoft.Extensions.Configuration;
using NodaTime;
using Npgsql;

/// <summary>
/// <c>ledger seed</c>'s rate against PostgreSQL's own floor on one throwaway cluster: the seeder (the ledger's store, inline
/// household view and audit trail) writes N households into a tenant of its own per variant (households per transaction ×
/// transactions in flight); then one server-side <c>insert … select … from generate_series</c> writes as many jsonb rows
/// (an event-shaped row of about the same size, with a primary key and a stream index) as the seeder wrote events. The
/// ratio is the seeder's events/s over the insert's rows/s.
/// </summary>
internal static class SeedBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var households = args.Contains("--smoke") ? 200 : 10_000;
        var variants = new List<(int Batch, int Writers)>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--smoke":
                    break;
                case "--households" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n > 0:
                    households = n;
                    i++;
                    break;
                case "--variant" when i + 1 < args.Length && args[i + 1].Split('x') is [var b, var w]
                                      && int.TryParse(b, CultureInfo.InvariantCulture, out var batch) && int.TryParse(w, CultureInfo.InvariantCulture, out var writers):
                    variants.Add((batch, writers));
                    i++;
                    break;
                default:
                    Console.Error.WriteLine("seed [--smoke] [--households 10000] [--variant 200x3 ...] (households per transaction x transactions in flight)");
                    return 2;
            }
        }
        if (variants.Count == 0) variants.Add((SeedOptions.DefaultBatchSize, SeedOptions.DefaultWriters));

        // pg_stat_statements loaded: where PostgreSQL's time goes is printed after the runs.
        await using var postgres = await EmbeddedPostgres.StartThrowawayAsync(new Dictionary<string, string>
        {
            ["shared_preload_libraries"] = "pg_stat_statements",
            ["pg_stat_statements.track_utility"] = "on",
        });
        var dataSource = LedgerSetup.DataSource(postgres.ConnectionString);
        var calendar = new BusinessCalendar(SystemClock.Instance, new ConfigurationBuilder().Build());
        using var store = new DocumentStore(LedgerSetup.ConfigureStore(new StoreOptions(), postgres.ConnectionString, SystemClock.Instance));
        await using (var extension = dataSource.CreateCommand("create extension if not exists pg_stat_statements")) await extension.ExecuteNonQueryAsync();
        var seeder = new HouseholdSeeder(store, new HouseholdNumbers(dataSource), calendar);
        Console.WriteLine($"{Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the start");

        // Warm-up: schema, JIT and the connection pool, so the first variant is not charged for them.
        await seeder.SeedAsync(new SeedOptions(200, "warm-up", Seed: 1), null, CancellationToken.None);
        await using (var reset = dataSource.CreateCommand("select pg_stat_statements_reset()")) await reset.ExecuteNonQueryAsync();
        var results = new List<(string Name, SeedResult Result)>();
        foreach (var (batch, writers) in variants)
        {
            var tenant = $"seed-{batch}x{writers}";
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var result = await seeder.SeedAsync(new SeedOptions(households, tenant, Seed: 1, batch, writers), null, CancellationToken.None);
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            Console.WriteLine(Line($"ledger seed ({batch} households per transaction, {writers} in flight)", result.Events, result.Elapsed.TotalSeconds));
            // The seeder's own CPU (generation, sealing, Marten, the inline projections); the rest of the wall time is PostgreSQL's and waiting.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  seeder CPU {cpu.TotalSeconds:F1} s = {cpu.TotalMilliseconds * 1000 / result.Events:F0} µs per event, {cpu.TotalSeconds / result.Elapsed.TotalSeconds:F2} cores"));
            if (result.Refusals > 0) Console.WriteLine($"  {result.Refusals} generated commands refused");
            results.Add(($"{batch}x{writers}", result));
        }

        await StatementsAsync(dataSource);
        await SizesAsync(dataSource, 200 + results.Sum(r => r.Result.Households));
        CpuShares(calendar, Math.Min(households, 2_000));
        await AuditShareAsync(store, $"seed-{variants[0].Batch}x{variants[0].Writers}", Math.Min(households, 2_000));
        var rows = results[0].Result.Events;
        var baseline = await BulkInsertAsync(dataSource, rows);
        Console.WriteLine(Line("insert … select … from generate_series (baseline)", rows, baseline.TotalSeconds));

        Console.WriteLine();
        Console.WriteLine("| run | households | events | seconds | households/s | events/s | ratio to bulk insert |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var (name, r) in results)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| seed {name} | {r.Households:N0} | {r.Events:N0} | {r.Elapsed.TotalSeconds:F1} | {r.HouseholdsPerSecond:N0} | {r.EventsPerSecond:N0} | {r.EventsPerSecond / (decimal)(rows / baseline.TotalSeconds):F3} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| bulk insert | | {rows:N0} | {baseline.TotalSeconds:F1} | | {rows / baseline.TotalSeconds:N0} | 1 |"));
        Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end");
        return results.All(r => r.Result.Refusals == 0) ? 0 : 1;
    }

    /// <summary>
    /// The inline audit trail's own CPU per event, measured apart: the projection applied to seeded streams inside a session
    /// that is never saved (a whole stream from version 1 loads no earlier link, as when the seeder starts a stream).
    /// </summary>
    private static async Task AuditShareAsync(IDocumentStore store, string tenant, int households)
    {
        var batches = new List<List<JasperFx.Events.IEvent>>();
        await using (var query = store.QuerySession(tenant))
        {
            var ids = await query.Query<Ledger.Domain.Households.Household>().Select(h => h.Id).Take(households).ToListAsync();
            foreach (var chunk in ids.Chunk(SeedOptions.DefaultBatchSize))
            {
                var events = new List<JasperFx.Events.IEvent>();
                foreach (var id in chunk) events.AddRange(await query.Events.FetchStreamAsync(id));
                batches.Add(events);
            }
        }
        var projection = new Ledger.Api.Audit.AuditTrailProjection();
        var cpu = TimeSpan.Zero;
        // One session per batch, as the seeder's; the first batch warms up.
        foreach (var (events, i) in batches.Select((b, i) => (b, i)))
        {
            await using var session = store.LightweightSession(tenant);
            var before = Process.GetCurrentProcess().TotalProcessorTime;
            await projection.ApplyAsync(session, events, CancellationToken.None);
            if (i > 0) cpu += Process.GetCurrentProcess().TotalProcessorTime - before;
        }
        var counted = batches.Skip(1).Sum(b => b.Count);
        if (counted == 0) return;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"audit trail projection alone: {cpu.TotalMilliseconds * 1000 / counted:F0} µs CPU per event over {counted:N0} events (rows queued, not written)"));
    }

    /// <summary>The seeder's CPU by stage, on one thread: generating the stories, then folding them as the household view does.</summary>
    private static void CpuShares(BusinessCalendar calendar, int households)
    {
        var thread = System.Diagnostics.Stopwatch.StartNew();
        var families = Enumerable.Range(0, households).Select(i => Ledger.Domain.Seeding.FamilyGenerator.Generate(2, i, "cpu", $"H{i}", calendar.Zone)).ToList();
        var generate = thread.Elapsed;
        var events = families.Sum(f => (long)f.EventCount);
        thread.Restart();
        foreach (var family in families)
        {
            Ledger.Domain.Households.Household? state = null;
            foreach (var e in family.Events) state = Ledger.Domain.Households.Household.Next(state, e);
        }
        var fold = thread.Elapsed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"seeder CPU by stage over {events:N0} events: generating {generate.TotalMilliseconds * 1000 / events:F0} µs per event, the household fold {fold.TotalMilliseconds * 1000 / events:F0} µs"));
    }

    /// <summary>What a household costs on disk: each table of the store (with its indexes and TOAST) over the households in it.</summary>
    private static async Task SizesAsync(NpgsqlDataSource dataSource, int households)
    {
        await using var sizes = dataSource.CreateCommand(
            $"select c.relname, pg_total_relation_size(c.oid) from pg_class c join pg_namespace n on n.oid = c.relnamespace " +
            $"where n.nspname = '{HouseholdNumbers.Schema}' and c.relkind in ('r', 'p') order by 2 desc");
        await using var reader = await sizes.ExecuteReaderAsync();
        var total = 0L;
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            var bytes = reader.GetInt64(1);
            total += bytes;
            if (bytes > 64 * 1024) lines.Add(string.Create(CultureInfo.InvariantCulture, $"{reader.GetString(0)} {bytes / households:N0}"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bytes per household (table with indexes and TOAST, over {households:N0} households): {total / households:N0} in all; ") + string.Join(", ", lines));
    }

    /// <summary>PostgreSQL's time during the runs, by statement: the ten that took most of it.</summary>
    private static async Task StatementsAsync(NpgsqlDataSource dataSource)
    {
        await using var top = dataSource.CreateCommand(
            "select calls, total_exec_time, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) from pg_stat_statements " +
            "where query not like '%pg_stat_statements%' order by total_exec_time desc limit 10");
        await using var reader = await top.ExecuteReaderAsync();
        Console.WriteLine("PostgreSQL time by statement (calls, ms):");
        while (await reader.ReadAsync())
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {reader.GetInt64(0),9:N0} {reader.GetDouble(1),10:N0}  {reader.GetString(2)}"));
    }

    private static string Line(string name, long rows, double seconds) =>
        string.Create(CultureInfo.InvariantCulture, $"{name}: {rows:N0} rows in {seconds:F1} s, {rows / seconds:N0}/s");

    /// <summary>PostgreSQL alone: event-shaped jsonb rows of about a sealed event's size, built and inserted by the server.</summary>
    internal static async Task<TimeSpan> BulkInsertAsync(NpgsqlDataSource dataSource, long rows)
    {
        await using (var create = dataSource.CreateCommand("""
            create table public.bulk_events (seq_id bigint primary key, id uuid not null, stream_id uuid not null, version bigint not null,
              data jsonb not null, type varchar not null, timestamp timestamptz not null, tenant_id varchar not null, headers jsonb);
            create index on public.bulk_events (stream_id, version);
            """))
            await create.ExecuteNonQueryAsync();
        var watch = Stopwatch.StartNew();
        await using (var insert = dataSource.CreateCommand("""
            insert into public.bulk_events
            select s, gen_random_uuid(), md5((s / 25)::text)::uuid, s % 25 + 1,
                   jsonb_build_object('personId', gen_random_uuid(), 'name', 'pii:v1:' || encode(sha256(s::text::bytea), 'base64'),
                     'dateOfBirth', '2015-06-18', 'relationship', 'child', 'idNumber', 'pii:v1:' || encode(sha256((s + 1)::text::bytea), 'base64'),
                     'effectiveDate', '2025-03-20'),
                   'member_joined', timestamptz '2025-01-01' + s * interval '1 second', 'default',
                   jsonb_build_object('operation', 'JoinMember', 'reason', 'Birth certificate received')
            from generate_series(1, $1) s
            """))
        {
            insert.CommandTimeout = 0;
            insert.Parameters.AddWithValue(rows);
            await insert.ExecuteNonQueryAsync();
        }
        return watch.Elapsed;
    }
}

using System.Diagnostics;
using System.Globalization;
using JasperFx.Events.Projections;
using Ledger.Api.Hosting;
using Ledger.Api.Households;
using Ledger.Api.Projections;
using Ledger.Api.Seeding;
using Marten;
using Microsoft.Extensions.Configuration;
using NodaTime;
using Npgsql;

/// <summary>
/// <c>ledger projections rebuild</c> against PostgreSQL's own floor on one throwaway cluster: households seeded by the
/// ledger's seeder (about 25 events each), then every projection rebuilt for the tenant in turn (<see cref="ProjectionRebuilder"/>,
/// as the command runs it), then one server-side <c>insert … select … from generate_series</c> of as many event-shaped jsonb
/// rows (<see cref="SeedBenchmark.BulkInsertAsync"/>). The ratio is the rebuild's events/s over the insert's rows/s, per
/// projection and for all of them (the events over the summed time). The rebuilt audit rows are compared with the seeded
/// ones (ids, hashes, data). <c>--marten</c> also times Marten's daemon rebuild (<c>RebuildProjectionAsync</c>) of each
/// projection first, the machinery JasperFx's <c>projections rebuild</c> runs.
/// </summary>
internal static class RebuildBenchmark
{
    private const string Tenant = "rebuild";

    public static async Task<int> RunAsync(string[] args)
    {
        var events = args.Contains("--smoke") ? 5_000 : 250_000;
        var marten = args.Contains("--marten");
        var page = ProjectionRebuilder.DefaultPageSize;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--smoke" or "--marten":
                    break;
                case "--events" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n > 0:
                    events = n;
                    i++;
                    break;
                case "--page" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var p) && p > 0:
                    page = p;
                    i++;
                    break;
                default:
                    Console.Error.WriteLine("rebuild [--smoke] [--events 250000] [--page 5000] [--marten]");
                    return 2;
            }
        }

        await using var postgres = await EmbeddedPostgres.StartThrowawayAsync();
        var dataSource = LedgerSetup.DataSource(postgres.ConnectionString);
        var calendar = new BusinessCalendar(SystemClock.Instance, new ConfigurationBuilder().Build());
        using var store = new DocumentStore(LedgerSetup.ConfigureStore(new StoreOptions(), postgres.ConnectionString, SystemClock.Instance));
        var seeder = new HouseholdSeeder(store, new HouseholdNumbers(dataSource), calendar);
        var rebuilder = new ProjectionRebuilder(store);
        Console.WriteLine($"{Environment.ProcessorCount} cores, load average {LoadAverage()} at the start");

        // A household averages 25 events (docs/performance.md, "Seeding").
        var seeded = await seeder.SeedAsync(new SeedOptions(Math.Max(1, events / 25), Tenant, Seed: 1), null, CancellationToken.None);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seeded {seeded.Households:N0} households, {seeded.Events:N0} events in {seeded.Elapsed.TotalSeconds:F1} s"));
        // Warm-up: JIT, the connection pool and each projection's code paths, on households of a tenant of their own.
        await seeder.SeedAsync(new SeedOptions(100, "warm-up", Seed: 2), null, CancellationToken.None);
        await AsyncShards.CatchUpAsync(store, dataSource);
        foreach (var name in rebuilder.ProjectionNames) await rebuilder.RebuildAsync(name, "warm-up", page, null, CancellationToken.None);
        await using (var analyze = dataSource.CreateCommand("vacuum analyze")) await analyze.ExecuteNonQueryAsync();
        var auditBefore = await AuditFingerprintAsync(dataSource);

        var runs = new List<(string Name, long Events, double Seconds)>();
        if (marten)
        {
            using var daemon = await store.BuildProjectionDaemonAsync(Ledger.Api.Hosting.TenantDatabases.Default);
            foreach (var name in rebuilder.ProjectionNames)
            {
                var watch = Stopwatch.StartNew();
                try
                {
                    await daemon.RebuildProjectionAsync(name, TimeSpan.FromMinutes(30), CancellationToken.None);
                }
                catch (Exception e) when (name == Ledger.Api.Audit.AuditTrailProjection.Name)
                {
                    // The audit trail declares no teardown for Marten's daemon, which then refuses it (AuditFeature).
                    Console.WriteLine($"Marten daemon: {name} refused ({e.GetBaseException().Message.Split('\n')[0]})");
                    continue;
                }
                // Every tenant's events: the seeded ones and the warm-up's.
                runs.Add(($"Marten daemon: {name} (all tenants)", await CountEventsAsync(dataSource), watch.Elapsed.TotalSeconds));
                Console.WriteLine(Line(runs[^1].Name, runs[^1].Events, runs[^1].Seconds));
            }
            await AsyncShards.CatchUpAsync(store, dataSource);
        }

        var ours = new List<RebuildResult>();
        foreach (var name in rebuilder.ProjectionNames)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var result = await rebuilder.RebuildAsync(name, Tenant, page, null, CancellationToken.None);
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            ours.Add(result);
            runs.Add(($"ledger projections rebuild -p {name} -t {Tenant}", result.Events, result.Elapsed.TotalSeconds));
            Console.WriteLine(Line(runs[^1].Name, result.Events, result.Elapsed.TotalSeconds)
                              + string.Create(CultureInfo.InvariantCulture, $" (this process {cpu.TotalMilliseconds * 1000 / Math.Max(1, result.Events):F0} µs CPU per event), load average {LoadAverage()}"));
        }
        var auditAfter = await AuditFingerprintAsync(dataSource);
        var sameAudit = auditBefore == auditAfter;
        Console.WriteLine(sameAudit
            ? $"rebuilt audit rows equal the seeded ones ({auditAfter.Rows:N0} rows: id, data with the hash chain, duplicated columns)"
            : $"REBUILT AUDIT ROWS DIFFER: {auditBefore} before, {auditAfter} after");

        var rows = seeded.Events;
        var baseline = await SeedBenchmark.BulkInsertAsync(dataSource, rows);
        Console.WriteLine(Line("insert … select … from generate_series (baseline)", rows, baseline.TotalSeconds));
        var baselineRate = rows / baseline.TotalSeconds;

        Console.WriteLine();
        Console.WriteLine("| run | events | seconds | events/s | ratio to bulk insert |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var (name, count, seconds) in runs)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {count:N0} | {seconds:F1} | {count / seconds:N0} | {count / seconds / baselineRate:F3} |"));
        var total = ours.Sum(r => r.Elapsed.TotalSeconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| every projection, one after the other | {seeded.Events:N0} | {total:F1} | {seeded.Events / total:N0} | {seeded.Events / total / baselineRate:F3} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| bulk insert | {rows:N0} | {baseline.TotalSeconds:F1} | {baselineRate:N0} | 1 |"));
        Console.WriteLine($"load average {LoadAverage()} at the end");
        return sameAudit && ours.All(r => r.Events == seeded.Events) ? 0 : 1;
    }

    private sealed record AuditFingerprint(long Rows, string Digest);

    private static async Task<AuditFingerprint> AuditFingerprintAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand($"""
            select count(*), coalesce(md5(string_agg(id || ' ' || data::text || ' ' || sequence || ' ' || household_id || ' ' || recorded_at, E'\n' order by id)), '')
            from ledger.mt_doc_auditentry where tenant_id = '{Tenant}'
            """);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new AuditFingerprint(reader.GetInt64(0), reader.GetString(1));
    }

    private static async Task<long> CountEventsAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("select count(*) from ledger.mt_events");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    private static string Line(string name, long rows, double seconds) =>
        string.Create(CultureInfo.InvariantCulture, $"{name}: {rows:N0} events in {seconds:F1} s, {rows / seconds:N0}/s");
}

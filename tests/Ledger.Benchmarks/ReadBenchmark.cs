using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Ledger.Api.Hosting;
using Ledger.Api.Households;
using Ledger.Api.Security;
using Ledger.Api.Seeding;
using Ledger.Benchmarks.Reads;
using Ledger.Benchmarks.Writes;
using Ledger.Domain.Households;
using Marten;
using Microsoft.Extensions.Configuration;
using NodaTime;
using Npgsql;

/// <summary>
/// The read benchmark of BENCHMARKS.md on one throwaway cluster (pg_stat_statements loaded):
/// <list type="number">
/// <item>N households written by the ledger's own seeder (in this process, the ledger's store), then the ledger in its
/// own process on a loopback port with a clerk's token;</item>
/// <item>per round: pgbench at <c>-R rate</c> selecting the household document by id, then the ledger at the same fixed
/// rate (<see cref="OpenLoop"/>) for GET /households/{id}, /coverage?on=D and /coverage?on=D&amp;knownAt=T, ids drawn
/// uniformly from the seeded households; latency from the schedule, CPU per request by process, statements per request,
/// the ledger's RSS;</item>
/// <item>time travel on households of a few stream lengths built through the API: the current view, coverage?knownAt=,
/// history/{version} and Marten's own <c>AggregateStreamAsync&lt;Household&gt;(id, timestamp)</c> in this process, one at a
/// time, interleaved.</item>
/// </list>
/// </summary>
internal static class ReadBenchmark
{
    internal sealed record Options(bool Smoke, int Households, int Rate, int Seconds, int Rounds, int WarmupSeconds, int IdleSeconds,
        int[] StreamLengths, int FoldWarmup, int FoldSamples, string SharedBuffers, bool Prewarm = true)
    {
        /// <summary>
        /// <c>--ledger-env NAME=VALUE</c> (repeatable) or <c>--ledger-build FOLDER</c>: a second ledger process
        /// (<see cref="ComparedLedger"/>), measured beside the first in every round, in alternating order, so a runtime knob
        /// or a code change is compared on one cluster in one run; its CPU has the first ledger's idle background taken
        /// off, the two idling alike.
        /// </summary>
        public ComparedLedger Compare { get; init; } = ComparedLedger.None;

        public static Options Parse(string[] args)
        {
            var options = args.Contains("--smoke")
                ? new Options(true, 200, 100, 2, 1, 1, 1, [10, 120], 5, 20, "128MB")
                : new Options(false, 10_000, 1_000, 20, 2, 3, 5, [100, 1000, 5000], 30, 200, "128MB");
            for (var i = 0; i < args.Length; i++)
            {
                int Next() => i + 1 < args.Length && int.TryParse(args[++i], CultureInfo.InvariantCulture, out var v) && v > 0
                    ? v : throw new ArgumentException($"{args[i]} needs a positive number");
                options = args[i] switch
                {
                    "--smoke" => options,
                    "--households" => options with { Households = Next() },
                    "--rate" => options with { Rate = Next() },
                    "--seconds" => options with { Seconds = Next() },
                    "--rounds" => options with { Rounds = Next() },
                    "--samples" => options with { FoldSamples = Next() },
                    "--no-prewarm" => options with { Prewarm = false },
                    "--shared-buffers" => options with { SharedBuffers = i + 1 < args.Length ? args[++i] : throw new ArgumentException("--shared-buffers needs a size such as 6GB") },
                    "--ledger-env" => options with { Compare = options.Compare.WithSetting(i + 1 < args.Length ? args[++i] : "") },
                    "--ledger-build" => options with { Compare = options.Compare.WithBuild(i + 1 < args.Length ? args[++i] : "") },
                    _ => throw new ArgumentException($"Unknown option {args[i]}. reads [--smoke] [--households 10000] [--rate 1000] [--seconds 20] [--rounds 2] [--samples 200] [--shared-buffers 6GB] [--no-prewarm] [--ledger-env NAME=VALUE]... [--ledger-build FOLDER]"),
                };
            }
            return options;
        }
    }

    /// <summary>The view's date and the time travel's instant for seeded households: every one is opened by 2024-12-31.</summary>
    private const string On = "2025-06-15";
    private const string KnownAt = "2025-07-01T00:00:00Z";

    private const string PgbenchRun = "pgbench -R: select data by id";
    private static readonly (string Name, Func<Guid, string> Path)[] LedgerRuns =
    [
        ("ledger GET /health/live (HTTP floor, no database)", _ => "/health/live"),
        ("ledger GET /households/{id}", id => $"/households/{id}"),
        ($"ledger GET /coverage?on={On}", id => $"/households/{id}/coverage?on={On}"),
        ($"ledger GET /coverage?on={On}&knownAt={KnownAt}", id => $"/households/{id}/coverage?on={On}&knownAt={KnownAt}"),
    ];

    /// <summary>Connections pgbench spreads its schedule over, and the ledger generator's bound on requests in flight.</summary>
    private const int PgbenchClients = 8;
    private const int MaxInFlight = 256;

    private sealed record Run(int Round, string Name, Latencies Latencies, Reading Before, Reading After, string LoadAverage, (long Rss, long Peak)? LedgerMemory);

    public static async Task<int> RunAsync(string[] args)
    {
        var o = Options.Parse(args);
        Console.WriteLine($"Read benchmark: {o.Households:N0} households, {o.Rate}/s for {o.Seconds} s per run, {o.Rounds} round(s); " +
                          $"{Environment.ProcessorCount} cores; load average {Meters.LoadAverage()}; {SystemClock.Instance.GetCurrentInstant().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC");
        // PostgreSQL's default unless told: 6 GB on this 24 GB machine made the 10⁶ run slower, not faster (the seed's 54 GB
        // pushed the documents out of the OS cache it shrank, and the reads found them on disk; docs/performance.md).
        Console.WriteLine($"PostgreSQL shared_buffers {o.SharedBuffers}");
        var settings = new Dictionary<string, string> { ["shared_buffers"] = o.SharedBuffers };
        // Two ledgers' pools (50 each) and pgbench's clients do not fit in the default 100 connections.
        if (o.Compare.Any) settings["max_connections"] = "250";
        await using var cluster = await MeasuredCluster.StartAsync(settings);
        var (bin, postgres, admin, meters) = (cluster.Bin, cluster.Postgres, cluster.Admin, cluster.Meters);

        var dataSource = LedgerSetup.DataSource(postgres.ConnectionString);
        var calendar = new BusinessCalendar(SystemClock.Instance, new ConfigurationBuilder().Build());
        using var store = new DocumentStore(LedgerSetup.ConfigureStore(new StoreOptions(), postgres.ConnectionString, SystemClock.Instance));
        var seeding = await new HouseholdSeeder(store, new HouseholdNumbers(dataSource), calendar)
            .SeedAsync(new SeedOptions(o.Households, Tenancy.Default, Seed: 1), null, CancellationToken.None);
        Console.WriteLine($"Seeded {seeding.Households:N0} households ({seeding.Events:N0} events) in {seeding.Elapsed.TotalSeconds:F0} s");
        var vacuum = System.Diagnostics.Stopwatch.StartNew();
        // As autovacuum would leave a loaded database: visibility map set, statistics taken.
        await using (var analyze = admin.CreateCommand("vacuum analyze")) await analyze.ExecuteNonQueryAsync();
        Console.WriteLine($"vacuum analyze: {vacuum.Elapsed.TotalSeconds:F0} s");
        if (o.Prewarm) await PrewarmAsync(admin);
        await AsyncShards.CatchUpAsync(store, admin);
        var ids = new List<Guid>();
        await using (var select = admin.CreateCommand($"select id from ledger.mt_doc_household where tenant_id = '{Tenancy.Default}'"))
        await using (var reader = await select.ExecuteReaderAsync())
            while (await reader.ReadAsync()) ids.Add(reader.GetGuid(0));
        var household = ids.ToArray();
        var pgbench = new PgbenchReads(postgres, bin, household.Length);
        await pgbench.PrepareAsync(admin, Tenancy.Default);
        var documents = await Scalar(admin, "select pg_size_pretty(sum(pg_total_relation_size(relid))) from pg_partition_tree('ledger.mt_doc_household')");
        var events = await Scalar(admin, "select pg_size_pretty(pg_total_relation_size('ledger.mt_events'))");
        var average = await Scalar(admin, "select avg(pg_column_size(data))::int from ledger.mt_doc_household");
        Console.WriteLine($"Stored: {documents} of household documents (average document {average} bytes), {events} of events");

        var ledger = await LedgerHost.StartAsync(postgres.ConnectionString, Path.Combine(postgres.Root, "ledger-data"));
        LedgerHost? compared = null;
        try
        {
            if (o.Compare.Any)
            {
                compared = await LedgerHost.StartAsync(postgres.ConnectionString, Path.Combine(postgres.Root, "ledger-data-b"), o.Compare);
                Console.WriteLine($"Compared ledger process {compared.Pid} on {compared.Http.BaseAddress}: {ComparedLabel(o)}");
            }
            meters.LedgerPid = ledger.Pid;
            var lean = ledger.Lean;
            Console.WriteLine($"Ledger process {ledger.Pid} on {ledger.Http.BaseAddress}");
            var idle = await IdleAsync(meters, o.IdleSeconds);

            // First warm-up: JIT (tiered recompilation included), pools and Marten's generated code for each read.
            foreach (var (_, path) in LedgerRuns)
            {
                await LedgerLoadAsync(lean, household, path, o.Rate, o.Smoke ? 1 : 5);
                if (compared is not null) await LedgerLoadAsync(compared.Lean, household, path, o.Rate, o.Smoke ? 1 : 5);
            }

            var runs = new List<Run>();
            for (var round = 1; round <= o.Rounds; round++)
            {
                await pgbench.RunAsync(o.Rate, o.WarmupSeconds, PgbenchClients);
                runs.Add(await MeasureAsync(round, PgbenchRun, meters, null, () => pgbench.RunAsync(o.Rate, o.Seconds, PgbenchClients)));
                foreach (var (name, path) in LedgerRuns)
                {
                    // With a compared ledger, the two take turns, the first of the pair alternating by round.
                    (LedgerHost Host, string Label)[] turns = compared is null ? [(ledger, name)]
                        : round % 2 == 1 ? [(ledger, name), (compared, $"{name} [{ComparedLabel(o)}]")]
                        : [(compared, $"{name} [{ComparedLabel(o)}]"), (ledger, name)];
                    foreach (var (host, label) in turns)
                    {
                        meters.LedgerPid = host.Pid;
                        await LedgerLoadAsync(host.Lean, household, path, o.Rate, o.WarmupSeconds);
                        runs.Add(await MeasureAsync(round, label, meters, host.Pid, () => LedgerLoadAsync(host.Lean, household, path, o.Rate, o.Seconds)));
                    }
                }
                meters.LedgerPid = ledger.Pid;
            }
            idle = Work.Least(idle, await IdleAsync(meters, o.IdleSeconds));
            PrintRuns(runs, idle, o);
            PrintStatements(runs, idle);

            await TimeTravelAsync(ledger, store, admin, o);
        }
        finally
        {
            await ledger.DisposeAsync();
            if (compared is not null) await compared.DisposeAsync();
        }
        return 0;
    }

    private static string ComparedLabel(Options o) => o.Compare.Label;

    private static async Task<Latencies> LedgerLoadAsync(LeanHttp ledger, Guid[] households, Func<Guid, string> path, int rate, int seconds)
    {
        // A failed read is told by its status, so that a run with failures says what they were (0: no complete answer).
        var failed = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var repeatedBefore = ledger.Repeated;
        var latencies = await OpenLoop.RunAsync(rate, TimeSpan.FromSeconds(seconds), MaxInFlight, async _ =>
        {
            var status = await ledger.GetStatusAsync(path(households[Random.Shared.Next(households.Length)]));
            if (status != 200) failed.AddOrUpdate(status, 1, (_, n) => n + 1);
            return status == 200;
        });
        if (!failed.IsEmpty)
            Console.WriteLine($"  failed reads by status: {string.Join(", ", failed.OrderBy(f => f.Key).Select(f => $"{f.Key} × {f.Value}"))}");
        // Counted inside the latencies: a repeated read is timed from its schedule to the second connection's answer.
        if (ledger.Repeated - repeatedBefore is var repeated and > 0)
            Console.WriteLine($"  reads sent again after the server closed an idle connection under them: {repeated}");
        return latencies;
    }

    private static async Task<Work> IdleAsync(Meters meters, int seconds)
    {
        await Task.Delay(TimeSpan.FromSeconds(Math.Min(3, seconds)));
        var before = await meters.ReadAsync();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        return Work.Between(before, await meters.ReadAsync()).PerSecond();
    }

    private static async Task<Run> MeasureAsync(int round, string name, Meters meters, int? ledgerPid, Func<Task<Latencies>> load)
    {
        var loadAverage = Meters.LoadAverage();
        var before = await meters.ReadAsync();
        var result = await load();
        var after = await meters.ReadAsync();
        var memory = ledgerPid is { } pid ? Memory(pid) : ((long, long)?)null;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"round {round}, {name}: {result.PerSecond:N0}/s, p50/p90/p99/p99.9/max {result.Summary()} ms, {result.Errors} errors, load {loadAverage}"));
        return new Run(round, name, result, before, after, loadAverage, memory);
    }

    /// <summary>VmRSS and VmHWM (the peak since start) of a process, in bytes.</summary>
    private static (long Rss, long Peak) Memory(int pid)
    {
        long Field(string name) => File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith(name, StringComparison.Ordinal))
            .Select(l => long.Parse(l[(name.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024).FirstOrDefault();
        return (Field("VmRSS"), Field("VmHWM"));
    }

    private static void PrintRuns(List<Run> runs, Work idle, Options o)
    {
        Console.WriteLine();
        Console.WriteLine($"| round | run | achieved/s | p50 | p90 | p99 | p99.9 | max (ms) | errors | statements/req | PostgreSQL CPU ms/req | ledger CPU ms/req | client CPU ms/req | ledger RSS (peak) MiB | send lag p50/p99 ms | load avg |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in runs)
        {
            var l = r.Latencies;
            var n = (double)l.Requests;
            var work = Work.Between(r.Before, r.After, idle);
            var isPgbench = r.Name == PgbenchRun;
            var ledgerCpu = isPgbench ? "–" : F(work.LedgerCpu * 1000 / n);
            var client = isPgbench ? work.ChildCpu : work.BenchCpu;
            var memory = r.LedgerMemory is var (rss, peak) ? $"{rss / 1048576.0:F0} ({peak / 1048576.0:F0})" : "–";
            var lag = isPgbench ? "–" : $"{F(l.LagQuantile(0.5))} / {F(l.LagQuantile(0.99))}";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Round} | {r.Name} | {l.PerSecond:N0} | {F(l.Quantile(0.5))} | {F(l.Quantile(0.9))} | {F(l.Quantile(0.99))} | {F(l.Quantile(0.999))} | {l.Max:F1} | " +
                $"{l.Errors} | {work.Statements / n:F1} | {F(work.PostgresCpu * 1000 / n)} | {ledgerCpu} | {F(client * 1000 / n)} | {memory} | {lag} | {r.LoadAverage} |"));
        }

        Console.WriteLine();
        Console.WriteLine("| round | run | p50 ms | p99 ms | p99 / pgbench p99 | p50 / pgbench p50 |");
        Console.WriteLine("|---|---|---|---|---|---|");
        for (var round = 1; round <= o.Rounds; round++)
        {
            var baseline = runs.Single(r => r.Round == round && r.Name == PgbenchRun).Latencies;
            foreach (var r in runs.Where(r => r.Round == round && r.Name != PgbenchRun))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {round} | {r.Name} | {F(r.Latencies.Quantile(0.5))} | {F(r.Latencies.Quantile(0.99))} | " +
                    $"{r.Latencies.Quantile(0.99) / baseline.Quantile(0.99):F1} | {r.Latencies.Quantile(0.5) / baseline.Quantile(0.5):F1} |"));
        }
    }

    /// <summary>
    /// The tables a view read touches (household documents, data keys, snapshots, with their TOAST and indexes) read once into the
    /// OS cache, as a primary serving these reads keeps them: a seed writes tens of gigabytes of events and audit rows
    /// after them, which may evict them, and then a run measures the disk for pgbench and the ledger alike (in the 10⁶
    /// run of 2026-12-02 they were mostly still cached: 1.7 GB read in 2 s).
    /// The events are left cold: only <c>knownAt</c> reads them, a few per request.
    /// </summary>
    private static async Task PrewarmAsync(NpgsqlDataSource admin)
    {
        var started = Stopwatch.StartNew();
        await using (var extension = admin.CreateCommand("create extension if not exists pg_prewarm")) await extension.ExecuteNonQueryAsync();
        const string Relations =
            "with tables as (select relid from pg_partition_tree('ledger.mt_doc_household') where isleaf " +
            "union all select relid from pg_partition_tree('ledger.mt_doc_personkey') where isleaf " +
            "union all select relid from pg_partition_tree('ledger.mt_doc_householdsnapshot') where isleaf), " +
            // A document over about 2 kB once compressed lives in its table's TOAST relation (a 10⁶ seed's average is 2.8 kB).
            "heaps as (select relid from tables union all select c.reltoastrelid from pg_class c where c.oid in (select relid from tables) and c.reltoastrelid <> 0), " +
            "relations as (select relid from heaps union all select indexrelid from pg_index where indrelid in (select relid from heaps)) " +
            "select coalesce(sum(pg_prewarm(relid, 'read')), 0), pg_size_pretty(coalesce(sum(pg_relation_size(relid)), 0)) from relations";
        await using var prewarm = admin.CreateCommand(Relations);
        await using var reader = await prewarm.ExecuteReaderAsync();
        await reader.ReadAsync();
        Console.WriteLine($"Prewarmed into the OS cache: {reader.GetInt64(0):N0} blocks ({reader.GetString(1)}: documents, keys, snapshots, their TOAST and their indexes) " +
                          $"in {started.Elapsed.TotalSeconds:F0} s (--no-prewarm to measure them cold)");
    }

    /// <summary>What one request costs PostgreSQL, statement by statement (round 1, idle subtracted).</summary>
    private static void PrintStatements(List<Run> runs, Work idle)
    {
        foreach (var r in runs.Where(r => r.Round == 1 && r.Name != PgbenchRun))
            Work.Between(r.Before, r.After, idle).PrintStatements($"Statements per request, {r.Name}", r.Latencies.Requests, "req");
    }

    private static string F(double value) => value.ToString(value < 10 ? "F2" : "F1", CultureInfo.InvariantCulture);

    /// <summary>
    /// Households of each stream length, built through the API (opened, then the holder's marketing consent given and
    /// withdrawn in turn: each call one event, the view staying the size of a family), then measured one request at a
    /// time, the four reads interleaved, after a warm-up (Marten's fold is slow for its first calls). Time travel is asked
    /// for the point just before the last event (knownAt its instant less a microsecond, history/{length - 1}): with
    /// lengths that are multiples of the snapshot interval, the worst case, the interval less one event folded after the
    /// copy. Marten's fold is of the same instant.
    /// </summary>
    private static async Task TimeTravelAsync(LedgerHost ledger, IDocumentStore store, NpgsqlDataSource admin, Options o)
    {
        Console.WriteLine();
        var build = Stopwatch.StartNew();
        var streams = await Task.WhenAll(o.StreamLengths.Select((length, i) => BuildStreamAsync(ledger, 1_000_000 + i, length)));
        Console.WriteLine($"Built households of {string.Join(", ", o.StreamLengths)} events through the API in {build.Elapsed.TotalSeconds:F0} s");
        var snapshots = await Scalar(admin, "select count(*) || ' snapshots, ' || pg_size_pretty((select sum(pg_total_relation_size(relid)) from pg_partition_tree('ledger.mt_doc_householdsnapshot'))) || ', average ' || coalesce(avg(pg_column_size(data))::int, 0) || ' bytes' from ledger.mt_doc_householdsnapshot");
        Console.WriteLine($"Stored: {snapshots}");

        Console.WriteLine("| events | current view p50 (p99) ms | coverage?knownAt= p50 (p99) ms | history/{version} p50 (p99) ms | Marten AggregateStreamAsync(id, timestamp) p50 (p99) ms | knownAt / current | knownAt / Marten | history / current | history / Marten |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var (id, length) in streams.Zip(o.StreamLengths))
        {
            await using var last = admin.CreateCommand("select timestamp from ledger.mt_events where stream_id = $1 and version = $2");
            last.Parameters.AddWithValue(id);
            last.Parameters.AddWithValue((long)length);
            var recorded = new DateTimeOffset((DateTime)(await last.ExecuteScalarAsync())!, TimeSpan.Zero);
            var knownAt = recorded.AddTicks(-10);
            var knownAtText = Uri.EscapeDataString(LedgerJson.Format(Instant.FromDateTimeOffset(knownAt)));
            var (current, travel, replay, marten) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
            for (var i = 0; i < o.FoldWarmup + o.FoldSamples; i++)
            {
                var keep = i >= o.FoldWarmup;
                var t = await TimeAsync(() => GetOkAsync(ledger, $"/households/{id}"));
                if (keep) current.Add(t);
                t = await TimeAsync(() => GetOkAsync(ledger, $"/households/{id}/coverage?knownAt={knownAtText}", length - 1));
                if (keep) travel.Add(t);
                t = await TimeAsync(() => GetOkAsync(ledger, $"/households/{id}/history/{length - 1}", length - 1));
                if (keep) replay.Add(t);
                t = await TimeAsync(async () =>
                {
                    await using var session = store.QuerySession(Tenancy.Default);
                    var folded = await session.Events.AggregateStreamAsync<Household>(id, timestamp: knownAt);
                    if (folded?.Version != length - 1) throw new InvalidOperationException($"Marten folded {folded?.Version} of {length - 1} events");
                });
                if (keep) marten.Add(t);
            }
            double P(List<double> xs, double q) => xs.Order().ElementAt(Math.Min(xs.Count - 1, (int)(q * xs.Count)));
            string Cell(List<double> xs) => $"{F(P(xs, 0.5))} ({F(P(xs, 0.99))})";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {length} | {Cell(current)} | {Cell(travel)} | {Cell(replay)} | {Cell(marten)} | " +
                $"{P(travel, 0.5) / P(current, 0.5):F2} | {P(travel, 0.5) / P(marten, 0.5):F2} | {P(replay, 0.5) / P(current, 0.5):F2} | {P(replay, 0.5) / P(marten, 0.5):F2} |"));
        }
        Console.WriteLine($"load average {Meters.LoadAverage()} at the end");
    }

    private static async Task<Guid> BuildStreamAsync(LedgerHost ledger, int n, int length)
    {
        var id = await ledger.OpenHouseholdAsync(n, CancellationToken.None);
        using var view = JsonDocument.Parse(await ledger.Http.GetStringAsync($"/households/{id}"));
        var holder = view.RootElement.GetProperty("holderId").GetGuid();
        var version = view.RootElement.GetProperty("version").GetInt64();
        for (var given = true; version < length; given = !given)
        {
            using var body = new StringContent($$"""{"purpose":"marketing","given":{{(given ? "true" : "false")}},"effectiveDate":"2024-06-01"}""", Encoding.UTF8, "application/json");
            using var answer = await ledger.Http.PostAsync($"/households/{id}/members/{holder}/consents", body);
            var text = await answer.Content.ReadAsStringAsync();
            if (answer.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"consent answered {(int)answer.StatusCode}: {text}");
            using var json = JsonDocument.Parse(text);
            version = json.RootElement.GetProperty("version").GetInt64();
        }
        return id;
    }

    private static async Task GetOkAsync(LedgerHost ledger, string path, long? version = null)
    {
        using var answer = await ledger.Http.GetAsync(path);
        await answer.Content.LoadIntoBufferAsync();
        if (answer.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"GET {path} answered {(int)answer.StatusCode}");
        // Time travel must have stopped where it was asked to: the ETag is the version it folded to.
        if (version is { } expected && answer.Headers.ETag?.Tag != $"\"{expected}\"")
            throw new InvalidOperationException($"GET {path} answered version {answer.Headers.ETag?.Tag}, not {expected}");
    }

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var start = Stopwatch.GetTimestamp();
        await action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static async Task<string> Scalar(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (await command.ExecuteScalarAsync())?.ToString() ?? "";
    }
}

using System.Globalization;
using System.Reflection;
using Ledger.Api.Hosting;
using Ledger.Benchmarks.Writes;
using Npgsql;

/// <summary>
/// The write benchmark of BENCHMARKS.md on one throwaway cluster (pg_stat_statements loaded, utility statements tracked):
/// <list type="number">
/// <item>pgbench: one ~300-byte event-shaped row per transaction, <c>-n -c 16 -j 2 -T 20</c>;</item>
/// <item>Marten alone in this process: the ledger's store, one session per command, FetchForWriting + one event, inline views;</item>
/// <item>the ledger in its own process on a loopback Kestrel port: POST /households/{id}/members, a clerk's token, 16 clients,
/// each on its own households (about eight joins each per run, so a household stays the size of a family);</item>
/// <item>with <c>--group-commit N</c>, after run 2: Marten alone committing N households' joins per transaction (decision 0016).</item>
/// </list>
/// Each round runs the three after a warm-up each (A B C A B C), so the ratios come from the same minutes of a noisy
/// machine. Per command: statements (pg_stat_statements calls, and each statement's execution time, which is how a
/// plan gone wrong shows), CPU of the PostgreSQL processes (/proc of the postmaster
/// and its children, exited backends included through the postmaster's children times), of the ledger process, and of the
/// process sending the commands (pgbench; this process, which is Marten itself in run 2 and the HTTP client in run 3).
/// Idle windows before and after the rounds, with the ledger idle, give the background rate taken off every figure
/// (the lower of the two: start-up, JIT and autovacuum raise either).
/// Round trips cannot be seen from pg_stat_statements: a second ledger process, pgbench and Marten alone then run a fixed
/// count of commands through <see cref="RoundTripProxy"/>, which counts the client's turns.
/// </summary>
internal static class WriteBenchmark
{
    /// <summary>A household in a run takes about this many joins: a family, not a stream that grows without end.</summary>
    private const int JoinsPerHousehold = 8;

    internal sealed record Options(bool Smoke, int Clients, int Seconds, int WarmupSeconds, int Rounds, int WarmupCommands, int CountedCommands, int IdleSeconds)
    {
        /// <summary>
        /// <c>--ledger-env NAME=VALUE</c> (repeatable) or <c>--ledger-build FOLDER</c>: a second ledger (<see cref="ComparedLedger"/>),
        /// measured in turns with the first in each round, the order alternating; its CPU has the first ledger's idle
        /// background taken off, the two idling alike.
        /// </summary>
        public ComparedLedger Compare { get; init; } = ComparedLedger.None;

        /// <summary>
        /// <c>--group-commit N</c>: each round also runs Marten alone committing N households' joins per transaction
        /// (<see cref="MartenAlone.JoinMembersAsync"/>) from clients / N senders, so as many commands are in flight as in
        /// the other runs: the figure for what coalescing concurrent commands across households would buy.
        /// </summary>
        public int GroupCommit { get; init; }

        /// <summary>
        /// <c>--durable</c>: the cluster runs as a primary in production does, every commit flushed to disk before it
        /// is answered (fsync, synchronous_commit and full_page_writes on); by default the throwaway cluster skips the
        /// flush, which measures CPU and leaves out the one cost a group commit shares most.
        /// </summary>
        public bool Durable { get; init; }

        public int FirstWarmupSeconds => Smoke ? 1 : 10;

        public static Options Parse(string[] args)
        {
            var smoke = args.Contains("--smoke");
            var options = smoke
                ? new Options(true, 16, 2, 1, 1, 32, 64, 1)
                : new Options(false, 16, 20, 3, 2, 400, 800, 10);
            for (var i = 0; i < args.Length; i++)
            {
                int Next() => i + 1 < args.Length && int.TryParse(args[++i], CultureInfo.InvariantCulture, out var v) && v > 0
                    ? v : throw new ArgumentException($"{args[i]} needs a positive number");
                options = args[i] switch
                {
                    "--smoke" => options,
                    "--clients" => options with { Clients = Next() },
                    "--seconds" => options with { Seconds = Next() },
                    "--warmup" => options with { WarmupSeconds = Next() },
                    "--rounds" => options with { Rounds = Next() },
                    "--count" => options with { CountedCommands = Next() },
                    "--idle" => options with { IdleSeconds = Next() },
                    "--ledger-env" => options with { Compare = options.Compare.WithSetting(i + 1 < args.Length ? args[++i] : "") },
                    "--ledger-build" => options with { Compare = options.Compare.WithBuild(i + 1 < args.Length ? args[++i] : "") },
                    "--group-commit" => options with { GroupCommit = Next() },
                    "--durable" => options with { Durable = true },
                    _ => throw new ArgumentException($"Unknown option {args[i]}. writes [--smoke] [--clients 16] [--seconds 20] [--warmup 3] [--rounds 2] [--count 800] [--idle 10] [--ledger-env NAME=VALUE]... [--ledger-build FOLDER] [--group-commit N] [--durable]"),
                };
            }
            return options;
        }
    }

    private sealed record Run(int Round, string Name, LoadResult Load, Reading Before, Reading After, string LoadAverage, double JoinsPerHousehold);

    private const string PgbenchRun = "pgbench one-row INSERT";
    private const string MartenRun = "Marten alone (FetchForWriting, append 1, inline views)";
    private const string LedgerRun = "ledger HTTP POST /households/{id}/members";
    private static string GroupedRun(Options o) => $"Marten alone, {o.GroupCommit} households per transaction";

    public static async Task<int> RunAsync(string[] args)
    {
        var o = Options.Parse(args);
        Console.WriteLine($"Write benchmark: {o.Clients} clients, {o.Seconds} s runs after {o.WarmupSeconds} s warm-up, {o.Rounds} round(s); " +
                          $"{Environment.ProcessorCount} cores; load average {Meters.LoadAverage()}");
        // Two ledgers' pools (50 each) do not fit in the default 100 connections.
        var settings = new Dictionary<string, string>();
        if (o.Compare.Any) settings["max_connections"] = "250";
        if (o.Durable) (settings["fsync"], settings["synchronous_commit"], settings["full_page_writes"]) = ("on", "on", "on");
        await using var cluster = await MeasuredCluster.StartAsync(settings);
        var (bin, postgres, admin, proxy, meters) = (cluster.Bin, cluster.Postgres, cluster.Admin, cluster.Proxy, cluster.Meters);
        Console.WriteLine($"PostgreSQL {await Scalar(admin, "show server_version")} on 127.0.0.1:{postgres.Port} (fsync {await Scalar(admin, "show fsync")}, synchronous_commit {await Scalar(admin, "show synchronous_commit")}), bin {bin}; ledger " +
                          typeof(LedgerSetup).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

        var pgbench = new Pgbench(postgres, bin);
        await pgbench.PrepareAsync(admin);
        using var marten = new MartenAlone(postgres.ConnectionString);
        await marten.PrepareAsync();
        var relayed = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Port = proxy.Port }.ConnectionString;
        var ledgerData = Path.Combine(postgres.Root, "ledger-data");
        // A measured run never goes through the relay (it adds a hop); the smoke run shares one relayed ledger to stay short.
        var ledger = await LedgerHost.StartAsync(o.Smoke ? relayed : postgres.ConnectionString, ledgerData);
        LedgerHost? compared = null;
        var comparedRun = ComparedRun(o);
        try
        {
            if (o.Compare.Any)
            {
                compared = await LedgerHost.StartAsync(postgres.ConnectionString, ledgerData + "-b", o.Compare);
                Console.WriteLine($"Compared ledger process {compared.Pid}: {o.Compare.Label}");
            }
            meters.LedgerPid = ledger.Pid;
            Console.WriteLine($"Ledger process {ledger.Pid} on {ledger.Http.BaseAddress}" + (o.Smoke ? " (smoke: behind the relay, speed figures mean nothing)" : ""));

            var idleBefore = await IdleAsync(meters, o.IdleSeconds);

            // First warm-up: a count for Wolverine's generated handlers and the pools, then a while for tiered JIT, whose
            // background recompilation keeps a young process slower (measured: a first round at 0.7 of the second).
            var martenHouseholds = await marten.OpenHouseholdsAsync(o.Clients * 4);
            var martenRate = (await ClosedLoop.RunAsync(o.Clients, null, o.WarmupCommands, MartenJoins(marten, martenHouseholds, o.Clients))).PerSecond;
            martenHouseholds = await marten.OpenHouseholdsAsync(HouseholdsFor(martenRate, o));
            await ClosedLoop.RunAsync(o.Clients, TimeSpan.FromSeconds(o.FirstWarmupSeconds), null, MartenJoins(marten, martenHouseholds, o.Clients));
            var ledgerHouseholds = await OpenLedgerHouseholdsAsync(ledger, o.Clients, o.Clients * 4);
            var ledgerRate = (await ClosedLoop.RunAsync(o.Clients, null, o.WarmupCommands, LedgerJoins(ledger, ledgerHouseholds, o.Clients))).PerSecond;
            ledgerHouseholds = await OpenLedgerHouseholdsAsync(ledger, o.Clients, HouseholdsFor(ledgerRate, o));
            ledgerRate = (await ClosedLoop.RunAsync(o.Clients, TimeSpan.FromSeconds(o.FirstWarmupSeconds), null, LedgerJoins(ledger, ledgerHouseholds, o.Clients))).PerSecond;
            if (compared is not null)
            {
                var comparedHouseholds = await OpenLedgerHouseholdsAsync(compared, o.Clients, HouseholdsFor(ledgerRate, o));
                await ClosedLoop.RunAsync(o.Clients, TimeSpan.FromSeconds(o.FirstWarmupSeconds), null, LedgerJoins(compared, comparedHouseholds, o.Clients));
            }

            var runs = new List<Run>();
            for (var round = 1; round <= o.Rounds; round++)
            {
                await pgbench.RunAsync(o.Clients, seconds: o.WarmupSeconds);
                runs.Add(await MeasureAsync(round, PgbenchRun, meters, 0, () => pgbench.RunAsync(o.Clients, seconds: o.Seconds)));

                martenHouseholds = await marten.OpenHouseholdsAsync(HouseholdsFor(martenRate, o));
                var martenJoins = MartenJoins(marten, martenHouseholds, o.Clients);
                await ClosedLoop.RunAsync(o.Clients, TimeSpan.FromSeconds(o.WarmupSeconds), null, martenJoins);
                runs.Add(await MeasureAsync(round, MartenRun, meters, martenHouseholds.Length,
                    () => ClosedLoop.RunAsync(o.Clients, TimeSpan.FromSeconds(o.Seconds), null, martenJoins)));
                martenRate = runs[^1].Load.PerSecond;
                if (o.GroupCommit > 0)
                {
                    // As many commands in flight as the other runs have (clients / N transactions of N): what a ledger
                    // coalescing its 16 clients' commands could group, not more.
                    var senders = Math.Max(1, o.Clients / o.GroupCommit);
                    var grouped = await marten.OpenHouseholdsAsync(Math.Max(HouseholdsFor(martenRate, o), 2 * senders * o.GroupCommit));
                    var groupedJoins = GroupedJoins(marten, grouped, senders, o.GroupCommit);
                    await ClosedLoop.RunAsync(senders, TimeSpan.FromSeconds(o.WarmupSeconds), null, groupedJoins);
                    runs.Add(await MeasureAsync(round, GroupedRun(o), meters, grouped.Length, async () =>
                    {
                        var transactions = await ClosedLoop.RunAsync(senders, TimeSpan.FromSeconds(o.Seconds), null, groupedJoins);
                        // A command is one household's join; the latencies stay those of the whole transaction.
                        return transactions with { Commands = transactions.Commands * o.GroupCommit };
                    }));
                }

                // A compared ledger takes turns with the first, the first of the pair alternating by round (the later
                // one finds the tables a little larger).
                LedgerHost[] turns = compared is null ? [ledger] : round % 2 == 1 ? [ledger, compared] : [compared, ledger];
                foreach (var host in turns)
                {
                    meters.LedgerPid = host.Pid;
                    var households = await OpenLedgerHouseholdsAsync(host, o.Clients, HouseholdsFor(ledgerRate, o));
                    var joins = LedgerJoins(host, households, o.Clients);
                    await ClosedLoop.RunAsync(o.Clients, TimeSpan.FromSeconds(o.WarmupSeconds), null, joins);
                    runs.Add(await MeasureAsync(round, host == ledger ? LedgerRun : comparedRun, meters, households.Length,
                        () => ClosedLoop.RunAsync(o.Clients, TimeSpan.FromSeconds(o.Seconds), null, joins)));
                }
                meters.LedgerPid = ledger.Pid;
                ledgerRate = runs.Last(r => r.Name == LedgerRun).Load.PerSecond;
            }
            var idle = Work.Least(idleBefore, await IdleAsync(meters, o.IdleSeconds));
            PrintRuns(runs, idle, o);
            // Where PostgreSQL's time goes, from the measured runs (no relay in the way): execution time by statement.
            foreach (var r in runs.Where(r => r.Round == 1 && r.Name != PgbenchRun))
                Work.Between(r.Before, r.After, idle).PrintStatements($"Statements per command, {r.Name} (round 1, idle subtracted)", r.Load.Commands, "cmd");

            if (compared is not null) await compared.DisposeAsync();
            compared = null;
            if (!o.Smoke)
            {
                await ledger.DisposeAsync();
                ledger = await LedgerHost.StartAsync(relayed, ledgerData);
                meters.LedgerPid = ledger.Pid;
            }
            // The smoke run's ledger is the one whose background was just measured.
            await CountRoundTripsAsync(ledger, pgbench, meters, proxy.Port, relayed, o, o.Smoke ? idle : null);
        }
        finally
        {
            await ledger.DisposeAsync();
            if (compared is not null) await compared.DisposeAsync();
        }
        return 0;
    }

    /// <summary>Enough households that each takes about <see cref="JoinsPerHousehold"/> joins in its warm-up and run.</summary>
    private static int HouseholdsFor(double rate, Options o)
    {
        var expected = rate * 1.5 * (o.WarmupSeconds + o.Seconds);
        var perClient = Math.Max(2, (int)Math.Ceiling(expected / JoinsPerHousehold / o.Clients));
        return perClient * o.Clients;
    }

    /// <summary>Client c only ever writes households c, c + clients, ...: no two clients contend for one household.</summary>
    private static Guid Household(Guid[] households, int clients, int client, long n) =>
        households[client + clients * (int)(n % (households.Length / clients))];

    private static Func<int, long, CancellationToken, Task> MartenJoins(MartenAlone marten, Guid[] households, int clients) =>
        (client, n, ct) => marten.JoinMemberAsync(Household(households, clients, client, n), (int)(n % 16), ct);

    /// <summary>Client c's call n joins the next <paramref name="group"/> of c's own households, in turn.</summary>
    private static Func<int, long, CancellationToken, Task> GroupedJoins(MartenAlone marten, Guid[] households, int clients, int group) =>
        (client, n, ct) => marten.JoinMembersAsync(
            Enumerable.Range(0, group).Select(j => Household(households, clients, client, n * group + j)).ToArray(), (int)(n % 16), ct);

    private static Func<int, long, CancellationToken, Task> LedgerJoins(LedgerHost ledger, Guid[] households, int clients) =>
        (client, n, _) => ledger.JoinMemberAsync(Household(households, clients, client, n), LedgerHost.JoinBodies[n % 16]);

    private static async Task<Guid[]> OpenLedgerHouseholdsAsync(LedgerHost ledger, int clients, int count)
    {
        var ids = new Guid[count];
        var next = -1;
        await ClosedLoop.RunAsync(clients, null, count, async (_, _, ct) =>
        {
            var i = Interlocked.Increment(ref next);
            ids[i] = await ledger.OpenHouseholdAsync(i, ct);
        });
        return ids;
    }

    /// <summary>The background (daemon and durability polling, autovacuum) once the last load or start-up has settled a little.</summary>
    private static async Task<Work> IdleAsync(Meters meters, int seconds)
    {
        await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, seconds)));
        var before = await meters.ReadAsync();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var idle = Work.Between(before, await meters.ReadAsync()).PerSecond();
        Console.WriteLine($"Idle window {seconds} s: {idle.Statements:F1} statements/s, {idle.RoundTrips:F1} relayed round trips/s, " +
                          $"PostgreSQL {idle.PostgresCpu * 1000:F0} ms CPU/s, ledger {idle.LedgerCpu * 1000:F0} ms CPU/s (the lower of two windows is taken off the figures)");
        return idle;
    }

    private static async Task<Run> MeasureAsync(int round, string name, Meters meters, int households, Func<Task<LoadResult>> load)
    {
        var loadAverage = Meters.LoadAverage();
        var before = await meters.ReadAsync();
        var result = await load();
        var after = await meters.ReadAsync();
        Console.WriteLine($"round {round}, {name}: {result.PerSecond:N0}/s ({result.Commands:N0} in {result.Seconds:F1} s), load {loadAverage}");
        return new Run(round, name, result, before, after, loadAverage, households == 0 ? 0 : (double)result.Commands / households);
    }

    private static string ComparedRun(Options o) => $"{LedgerRun} [{o.Compare.Label}]";

    private static void PrintRuns(List<Run> runs, Work idle, Options o)
    {
        Console.WriteLine();
        Console.WriteLine($"| round | run | commands/s | latency mean / p50 / p99 ms | statements/cmd | PostgreSQL CPU ms/cmd | ledger CPU ms/cmd | client CPU ms/cmd | joins/household | load avg |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in runs)
        {
            var n = (double)r.Load.Commands;
            var work = Work.Between(r.Before, r.After, idle);
            var isPgbench = r.Name == PgbenchRun;
            var latency = r.Load.P50Ms is { } p50 ? $"{r.Load.MeanMs:F1} / {p50:F1} / {r.Load.P99Ms:F1}" : $"{r.Load.MeanMs:F1} / – / –";
            var client = isPgbench ? work.ChildCpu : work.BenchCpu;
            var ledger = r.Name.StartsWith(LedgerRun, StringComparison.Ordinal) ? $"{work.LedgerCpu * 1000 / n:F2}" : "–";
            Console.WriteLine($"| {r.Round} | {r.Name} | {r.Load.PerSecond:N0} | {latency} | {work.Statements / n:F2} | {work.PostgresCpu * 1000 / n:F2} | " +
                              $"{ledger} | {client * 1000 / n:F2} | {(r.JoinsPerHousehold == 0 ? "–" : r.JoinsPerHousehold.ToString("F1", CultureInfo.InvariantCulture))} | {r.LoadAverage} |");
        }

        Console.WriteLine();
        Console.WriteLine("| round | ledger / pgbench | ledger / Marten alone | Marten alone / pgbench |");
        Console.WriteLine("|---|---|---|---|");
        var ratios = new List<(double, double, double)>();
        for (var round = 1; round <= o.Rounds; round++)
        {
            double Rate(string name) => runs.Single(r => r.Round == round && r.Name == name).Load.PerSecond;
            var ratio = (Rate(LedgerRun) / Rate(PgbenchRun), Rate(LedgerRun) / Rate(MartenRun), Rate(MartenRun) / Rate(PgbenchRun));
            ratios.Add(ratio);
            Console.WriteLine($"| {round} | {ratio.Item1:F3} | {ratio.Item2:F2} | {ratio.Item3:F3} |" +
                              (o.Compare.Any ? $" compared / ledger {Rate(ComparedRun(o)) / Rate(LedgerRun):F2}" : "") +
                              (o.GroupCommit > 0 ? $" grouped Marten / pgbench {Rate(GroupedRun(o)) / Rate(PgbenchRun):F3}, / Marten alone {Rate(GroupedRun(o)) / Rate(MartenRun):F2}" : ""));
        }
        if (o.Rounds > 1)
            Console.WriteLine($"| range | {ratios.Min(r => r.Item1):F3}–{ratios.Max(r => r.Item1):F3} | {ratios.Min(r => r.Item2):F2}–{ratios.Max(r => r.Item2):F2} | " +
                              $"{ratios.Min(r => r.Item3):F3}–{ratios.Max(r => r.Item3):F3} |");

    }

    /// <summary>
    /// Round trips need the relay between client and server, which would slow the measured runs: so a ledger process
    /// behind it runs a fixed count of commands, as do pgbench and Marten alone.
    /// </summary>
    private static async Task CountRoundTripsAsync(LedgerHost ledger, Pgbench pgbench, Meters meters, int relayPort, string relayed, Options o, Work? idle)
    {
        using var marten = new MartenAlone(relayed);
        var households = o.Clients * Math.Max(2, (o.WarmupCommands + o.CountedCommands) / o.Clients / JoinsPerHousehold);
        var martenHouseholds = await marten.OpenHouseholdsAsync(households);
        var ledgerHouseholds = await OpenLedgerHouseholdsAsync(ledger, o.Clients, households);
        await ClosedLoop.RunAsync(o.Clients, null, o.WarmupCommands, MartenJoins(marten, martenHouseholds, o.Clients));
        await ClosedLoop.RunAsync(o.Clients, null, o.WarmupCommands, LedgerJoins(ledger, ledgerHouseholds, o.Clients));
        var idleBefore = idle ?? await IdleAsync(meters, Math.Min(o.IdleSeconds, 5));

        var counted = new List<(string Name, long Commands, Reading Before, Reading After)>();
        async Task Count(string name, Func<Task<LoadResult>> load)
        {
            var before = await meters.ReadAsync();
            var result = await load();
            counted.Add((name, result.Commands, before, await meters.ReadAsync()));
        }

        await Count(PgbenchRun, () => pgbench.RunAsync(o.Clients, seconds: null, transactionsPerClient: Math.Max(1, o.CountedCommands / o.Clients), port: relayPort));
        await Count(MartenRun, () => ClosedLoop.RunAsync(o.Clients, null, o.CountedCommands, MartenJoins(marten, martenHouseholds, o.Clients)));
        await Count(LedgerRun, () => ClosedLoop.RunAsync(o.Clients, null, o.CountedCommands, LedgerJoins(ledger, ledgerHouseholds, o.Clients)));
        idle ??= Work.Least(idleBefore, await IdleAsync(meters, Math.Min(o.IdleSeconds, 5)));

        Console.WriteLine();
        Console.WriteLine($"Round trips: a fixed count through a counting relay (client turns holding a Sync or Query; idle subtracted)");
        Console.WriteLine("| run | commands | round trips/cmd | Sync+Query messages/cmd | statements/cmd |");
        Console.WriteLine("|---|---|---|---|---|");
        var works = counted.Select(c => (c.Name, c.Commands, Work: Work.Between(c.Before, c.After, idle))).ToList();
        foreach (var (name, commands, work) in works)
            Console.WriteLine($"| {name} | {commands:N0} | {work.RoundTrips / commands:F2} | {work.Syncs / commands:F2} | {work.Statements / commands:F2} |");
        foreach (var (name, commands, work) in works.Skip(1))
            work.PrintStatements($"Statements per command, {name} (counting pass, idle subtracted)", commands, "cmd");
    }

    private static async Task<string> Scalar(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (await command.ExecuteScalarAsync())?.ToString() ?? "";
    }
}

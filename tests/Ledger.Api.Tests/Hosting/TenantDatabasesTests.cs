using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ledger.Api.Hosting;
using Ledger.Api.Security;
using Ledger.Api.Tests.Infrastructure;
using NodaTime;
using NodaTime.Text;
using Npgsql;
using Xunit.Abstractions;

namespace Ledger.Api.Tests.Hosting;

/// <summary>
/// Tenants in two PostgreSQL databases, from outside, as an operator runs them: <c>north</c> placed in the second
/// database by configuration, <c>south</c> left in the default one, <c>east</c> placed in the second by
/// <c>ledger tenants add</c> while the node runs and then written through that node. Each tenant's rows are in its
/// own database only, no tenant sees another's households or register rows, and the regulator reads every database.
/// </summary>
[Collection(BenchmarkCollection.Name)]
public sealed class TenantDatabasesTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string North = "north", South = "south", East = "east", West = "west";
    private static readonly string[] Tenants = [North, South, East];

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly Dictionary<string, List<Guid>> _households = Tenants.Append(West).ToDictionary(t => t, _ => new List<Guid>());
    private EmbeddedPostgres? _default, _second;
    private LedgerNode? _node;

    private EmbeddedPostgres Default => _default!;
    private EmbeddedPostgres Second => _second!;
    private LedgerNode Node => _node!;

    /// <summary>The second database's id as the contract names it: host, port and database of its connection string.</summary>
    private string SecondId
    {
        get
        {
            var connection = new NpgsqlConnectionStringBuilder(SecondDatabase);
            return $"{connection.Host}:{connection.Port}/{connection.Database}";
        }
    }

    public async Task InitializeAsync()
    {
        _default = await EmbeddedPostgres.StartThrowawayAsync();
        _second = await EmbeddedPostgres.StartThrowawayAsync();
        // Both clusters listen on 127.0.0.1: the second database needs a name of its own, as Marten and Wolverine tell
        // databases apart by host and name (TenantDatabases.EnsureDistinguishable).
        await ScalarAsync(Second.ConnectionString, $"create database {SecondName}");
    }

    private const string SecondName = "ledger_north";

    /// <summary>
    /// The database of the second cluster that north is placed in: <see cref="SecondName"/>, or, where a test says so, the
    /// cluster's own <c>ledger</c> database, as the default one is called (a single node needs no more than that).
    /// </summary>
    private string _secondDatabaseName = SecondName;

    /// <summary>The tenants' database on the second cluster.</summary>
    private string SecondDatabase => new NpgsqlConnectionStringBuilder(Second.ConnectionString) { Database = _secondDatabaseName }.ConnectionString;

    /// <summary>
    /// One node, alone (Marten's HotCold daemon runs each database's projections) or in cluster mode (Wolverine's leader
    /// assigns each database's projection agents).
    /// </summary>
    private async Task StartNodeAsync(bool cluster) =>
        _node = await LedgerNode.StartAsync(Default.ConnectionString, _key, new Dictionary<string, string>
        {
            [$"Ledger__Tenants__{North}__ConnectionString"] = SecondDatabase,
            // No scheduled sweep: the events counted by SQL are exactly the ones this test writes.
            ["Ledger__SweepInterval"] = "00:00:00",
            ["Ledger__Cluster"] = cluster ? "true" : "false",
        });

    public async Task DisposeAsync()
    {
        try
        {
            if (_node is not null) await _node.DisposeAsync();
        }
        finally
        {
            if (_second is not null) await _second.DisposeAsync();
            if (_default is not null) await _default.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Each_tenant_s_rows_are_in_its_own_database_a_tenant_added_at_run_time_is_written_by_the_running_node_and_the_regulator_reads_every_database(bool cluster)
    {
        await StartNodeAsync(cluster);
        var today = await TodayAsync();
        for (var i = 0; i < 2; i++)
        {
            await WriteHouseholdAsync(North, today);
            await WriteHouseholdAsync(South, today);
        }
        await AssertStoredOnlyInAsync(North, Second);
        await AssertStoredOnlyInAsync(South, Default);

        // Placed while the node runs; the node learns it on east's first request, with no restart.
        var adding = Stopwatch.StartNew();
        var (added, addOutput) = await Node.RunCommandAsync("tenants", "add", East, "--connection", SecondDatabase);
        adding.Stop();
        Assert.True(added == 0, $"tenants add {East} exited with {added}:\n{addOutput}");
        output.WriteLine($"ledger tenants add {East}: {adding.Elapsed.TotalSeconds:F2} s (process start, schema applied, placement stored)");
        for (var i = 0; i < 2; i++) await WriteHouseholdAsync(East, today);
        await AssertStoredOnlyInAsync(East, Second);
        await AssertStoredOnlyInAsync(North, Second);

        // A tenant that has a database keeps it, whether placed by an earlier add or by configuration; the database
        // offered instead is a new one, so nothing but the tenant's placement can be the reason to refuse.
        await ScalarAsync(Default, "create database other");
        var other = new NpgsqlConnectionStringBuilder(Default.ConnectionString) { Database = "other" }.ConnectionString;
        foreach (var tenant in new[] { East, North })
        {
            var (refused, refusal) = await Node.RunCommandAsync("tenants", "add", tenant, "--connection", other);
            Assert.True(refused == 1, $"tenants add {tenant} to another database exited with {refused}:\n{refusal}");
            Assert.Contains(SecondId, refusal, StringComparison.Ordinal);
        }
        if (cluster)
        {
            // A database with the default one's host and name on another port is refused: the cluster could not tell them apart.
            var (ambiguous, ambiguity) = await Node.RunCommandAsync("tenants", "add", "west", "--connection", Second.ConnectionString);
            Assert.True(ambiguous == 1 && ambiguity.Contains("host and database name", StringComparison.Ordinal),
                $"tenants add west to a second database named ledger on 127.0.0.1 exited with {ambiguous}:\n{ambiguity}");
        }
        var (listed, list) = await Node.RunCommandAsync("tenants", "list");
        Assert.True(listed == 0, $"tenants list exited with {listed}:\n{list}");
        foreach (var tenant in new[] { North, East })
        {
            var lines = LinesNaming(list, tenant);
            Assert.True(lines.Count > 0 && lines.All(l => l.Contains(SecondId, StringComparison.Ordinal)), $"tenants list does not place {tenant} in {SecondId}:\n{list}");
        }
        Assert.All(LinesNaming(list, South), l => Assert.Contains("default", l, StringComparison.Ordinal));
        Assert.Contains("default", list, StringComparison.Ordinal);
        await WriteHouseholdAsync(East, today);
        await AssertStoredOnlyInAsync(East, Second);

        await RegulatorReadsEveryDatabaseAsync();
        await TenantsSeeOnlyTheirOwnAsync();
        await AccessLogHoldsEveryTenantsReadsAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_database_added_at_run_time_is_written_and_projected_without_restarting_the_node(bool cluster)
    {
        await StartNodeAsync(cluster);
        var today = await TodayAsync();
        await WriteHouseholdAsync(North, today);
        var west = new NpgsqlConnectionStringBuilder(Second.ConnectionString) { Database = "ledger_west" }.ConnectionString;
        await ScalarAsync(Second.ConnectionString, "create database ledger_west");
        var (added, addOutput) = await Node.RunCommandAsync("tenants", "add", West, "--connection", west);
        Assert.True(added == 0, $"tenants add {West} exited with {added}:\n{addOutput}");
        await WriteHouseholdAsync(West, today);
        Assert.Equal(1, await ScalarAsync(west, "select count(*) from ledger.mt_doc_household where tenant_id = @tenant", West));

        // The registers of the new database are an async projection: the running node must start one for it.
        using var service = Node.ClientOf(West, Roles.Service);
        var watch = Stopwatch.StartNew();
        await PollAsync(new Infrastructure.Api(service), "/registers/claims", a => HouseholdsOf(a).SetEquals(_households[West]), "west's claim");
        output.WriteLine($"cluster={cluster}: the new database's claims register caught up {watch.Elapsed.TotalSeconds:F1} s after its first write");
    }

    [Fact]
    public async Task A_tenant_in_a_database_of_its_own_is_backed_up_and_restored_alone_and_its_chains_still_verify()
    {
        await StartNodeAsync(cluster: false);
        var today = await TodayAsync();
        for (var i = 0; i < 2; i++) await WriteHouseholdAsync(North, today);
        await WriteHouseholdAsync(South, today);
        using var regulatorClient = Node.Client(Roles.Regulator);
        var regulator = new Infrastructure.Api(regulatorClient);
        var digestBefore = (await regulator.Get("/audit/digest")).Str("digest");
        using var northSupport = Node.ClientOf(North, Roles.Support);
        var north = new Infrastructure.Api(northSupport);
        var viewsBefore = new List<string>();
        foreach (var household in _households[North]) viewsBefore.Add((await north.Get($"/households/{household}")).Raw);

        // As operations.md says: the tenant's database, dumped, lost, created again and restored from the dump.
        var dump = Path.Combine(Path.GetTempPath(), $"ledger-north-{Guid.NewGuid():N}.dump");
        try
        {
            var watch = Stopwatch.StartNew();
            await PostgresToolAsync("pg_dump", "-Fc", "-f", dump, "-d", SecondName);
            var dumped = watch.Elapsed;
            await ScalarAsync(Second.ConnectionString, $"drop database {SecondName} with (force)");
            await ScalarAsync(Second.ConnectionString, $"create database {SecondName}");
            watch.Restart();
            await PostgresToolAsync("pg_restore", "-d", SecondName, dump);
            var restored = watch.Elapsed;

            // The node was not restarted: its pooled connections to the lost database are dead and are replaced.
            watch.Restart();
            Answer first;
            do first = await north.Get($"/households/{_households[North][0]}");
            while (first.Code != 200 && watch.Elapsed < TimeSpan.FromSeconds(30));
            Assert.True(first.Code == 200, $"{North} after the restore: {first}");
            output.WriteLine($"pg_dump of {North}'s database {dumped.TotalMilliseconds:F0} ms ({new FileInfo(dump).Length:N0} bytes), " +
                             $"pg_restore {restored.TotalMilliseconds:F0} ms, the running node read it again {watch.Elapsed.TotalMilliseconds:F0} ms later");
        }
        finally
        {
            File.Delete(dump);
        }

        var viewsAfter = new List<string>();
        foreach (var household in _households[North]) viewsAfter.Add((await north.Get($"/households/{household}")).Raw);
        Assert.Equal(viewsBefore, viewsAfter);
        var verify = await regulator.Get("/audit/verify");
        Assert.True(verify.Code == 200 && verify.Json.GetProperty("verified").GetBoolean(), verify.ToString());
        Assert.Equal(3, verify.Json.GetProperty("households").GetInt32());
        // Nothing was written meanwhile: the digest over every household's head is the one published before the loss.
        Assert.Equal(digestBefore, (await regulator.Get("/audit/digest")).Str("digest"));
        // And the restored tenant writes again.
        await WriteHouseholdAsync(North, today);
        await AssertStoredOnlyInAsync(North, Second);
    }

    /// <summary>Runs a PostgreSQL client tool of the embedded binaries against the second cluster.</summary>
    private async Task PostgresToolAsync(string tool, params string[] args)
    {
        var connection = new NpgsqlConnectionStringBuilder(Second.ConnectionString);
        var start = new ProcessStartInfo(Path.Combine(EmbeddedPostgres.FindBinDirectory(null)!, tool))
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
            Environment = { ["PGHOST"] = connection.Host, ["PGPORT"] = connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["PGUSER"] = connection.Username, ["PGPASSWORD"] = connection.Password },
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool} exited with {process.ExitCode}: {await error}");
    }

    [Fact]
    public async Task While_the_second_database_is_down_its_tenant_s_writes_are_503_the_default_database_s_tenant_still_writes_and_afterwards_both_write()
    {
        // Both databases called ledger, on one host: one node tells them apart by port.
        _secondDatabaseName = EmbeddedPostgres.DatabaseName;
        await StartNodeAsync(cluster: false);
        var today = await TodayAsync();
        await WriteHouseholdAsync(North, today);
        await WriteHouseholdAsync(South, today);
        using var northClerk = Node.ClientOf(North, Roles.Clerk);
        using var southClerk = Node.ClientOf(South, Roles.Clerk);
        var north = new Infrastructure.Api(northClerk);
        var south = new Infrastructure.Api(southClerk);
        var open = new { holder = new { name = "停机户", dateOfBirth = "1985-04-12" }, openedOn = Iso(today) };

        await Second.StopServerAsync();
        var clock = Stopwatch.StartNew();
        var refused = await north.Post("/households", open, ("Idempotency-Key", "north-outage"));
        var refusedIn = clock.Elapsed;
        Assert.True(refused.Code == 503, $"a write of {North} with its database down: {refused}");
        Assert.Equal("application/problem+json", refused.ContentType);
        Assert.Equal("DatabaseUnavailable", refused.ProblemCode);
        Assert.True(refused.Headers.RetryAfter is not null, "no Retry-After");
        clock.Restart();
        var written = await south.Post("/households", open);
        var writtenIn = clock.Elapsed;
        Assert.True(written.Code == 201, $"a write of {South} while the other database is down: {written}");
        output.WriteLine($"Second database down: {North}'s write refused in {refusedIn.TotalMilliseconds:F0} ms, {South}'s written in {writtenIn.TotalMilliseconds:F0} ms");
        // The regulator's trail crosses every database: with one down it is refused, never answered partly.
        using (var regulatorClient = Node.Client(Roles.Regulator))
        {
            var trail = await new Infrastructure.Api(regulatorClient).Get("/audit");
            Assert.True(trail.Code == 503 && trail.ProblemCode == "DatabaseUnavailable", $"/audit with the second database down: {trail}");
        }

        await Second.StartServerAsync();
        var recovery = Stopwatch.StartNew();
        Answer back;
        while (true)
        {
            back = await north.Post("/households", open, ("Idempotency-Key", "north-outage"));
            if (back.Code != 503 || recovery.Elapsed > TimeSpan.FromSeconds(30)) break;
            await Task.Delay(100);
        }
        recovery.Stop();
        Assert.True(back.Code == 201, $"{North} does not write {recovery.Elapsed.TotalSeconds:F1} s after its database is back: {back}");
        output.WriteLine($"{North} wrote again {recovery.Elapsed.TotalMilliseconds:F0} ms after its database was started again");
        _households[North].Add(back.Id("householdId"));

        // The refused write left nothing behind; the one after the outage is stored once, in the second database.
        await AssertStoredOnlyInAsync(North, Second);
        Assert.Equal(2, await ScalarAsync(Second, "select count(*) from ledger.mt_doc_household where tenant_id = @tenant", North));
    }

    /// <summary>
    /// Every regulator read sees the households of all three tenants, from both databases; the registers are async
    /// projections, so they are polled for up to 30 s. Each read's time is printed.
    /// </summary>
    private async Task RegulatorReadsEveryDatabaseAsync()
    {
        using var client = Node.Client(Roles.Regulator);
        var regulator = new Infrastructure.Api(client);
        var all = _households.Values.SelectMany(h => h).ToHashSet();
        var events = await ScalarAsync(Default, "select count(*) from ledger.mt_events") + await ScalarAsync(Second, "select count(*) from ledger.mt_events");

        // Paging visits every entry of both databases exactly once, and the cursor stays a number.
        var entries = new List<(Guid Household, long Version)>();
        var pages = 0;
        var paging = Stopwatch.StartNew();
        for (string? after = null; pages == 0 || after is not null; pages++)
        {
            var page = await regulator.Get("/audit?limit=5" + (after is null ? "" : $"&after={after}"));
            Assert.True(page.Code == 200, page.ToString());
            entries.AddRange(page.Json.GetProperty("entries").EnumerateArray().Select(e => (e.GetProperty("householdId").GetGuid(), e.GetProperty("version").GetInt64())));
            var next = page.Json.GetProperty("next");
            Assert.True(next.ValueKind is JsonValueKind.Number or JsonValueKind.Null, $"next is not a number: {next}");
            after = next.ValueKind == JsonValueKind.Number ? next.GetRawText() : null;
            Assert.True(pages < 1000, "the audit trail's pages do not end");
        }
        paging.Stop();
        Assert.Equal(entries.Count, entries.Distinct().Count());
        Assert.Equal(events, entries.Count);
        Assert.True(all.SetEquals(entries.Select(e => e.Household)), "the audit trail's pages do not cover the households of every tenant");
        output.WriteLine($"/audit: {entries.Count} entries of both databases in {pages} pages of 5, {paging.ElapsedMilliseconds} ms ({paging.ElapsedMilliseconds / pages} ms a page)");
        var (whole, wholeIn) = await TimedAsync(() => regulator.Get("/audit"));
        Assert.Equal(events, whole.Json.GetProperty("entries").GetArrayLength());
        output.WriteLine($"/audit, one page: {wholeIn.TotalMilliseconds:F0} ms");

        var (verify, verifyIn) = await TimedAsync(() => regulator.Get("/audit/verify"));
        Assert.True(verify.Code == 200, verify.ToString());
        Assert.True(verify.Json.GetProperty("verified").GetBoolean(), verify.ToString());
        Assert.Equal(all.Count, verify.Json.GetProperty("households").GetInt32());
        Assert.Equal(events, verify.Json.GetProperty("events").GetInt64());
        output.WriteLine($"/audit/verify: {verifyIn.TotalMilliseconds:F0} ms");

        var (digest, digestIn) = await TimedAsync(() => regulator.Get("/audit/digest"));
        Assert.True(digest.Code == 200, digest.ToString());
        Assert.True(all.SetEquals(digest.Json.GetProperty("heads").EnumerateArray().Select(h => h.GetProperty("householdId").GetGuid())), digest.ToString());
        Assert.Equal(all.Count, digest.Json.GetProperty("households").GetInt32());
        output.WriteLine($"/audit/digest: {digestIn.TotalMilliseconds:F0} ms");

        await PollAsync(regulator, "/registers/claims?limit=1000", a => HouseholdsOf(a).SetEquals(all), "claims of every tenant");
        await PollAsync(regulator, "/registers/renewals?within=366", a => HouseholdsOf(a).SetEquals(all), "renewals of every tenant");
        await PollAsync(regulator, "/reports/automation", a => Decisions(a, "claims") == all.Count && Decisions(a, "underwriting") == all.Count,
            $"{all.Count} claim and {all.Count} underwriting decisions");
    }

    /// <summary>A tenant's service and support tokens find no household of another tenant, and its registers none of their rows.</summary>
    private async Task TenantsSeeOnlyTheirOwnAsync()
    {
        foreach (var tenant in Tenants)
        {
            var own = _households[tenant].ToHashSet();
            var others = Tenants.Where(t => t != tenant).SelectMany(t => _households[t]).ToList();
            foreach (var role in new[] { Roles.Support, Roles.Service })
            {
                using var client = Node.ClientOf(tenant, role);
                var api = new Infrastructure.Api(client);
                foreach (var household in own)
                {
                    var mine = await api.Get($"/households/{household}");
                    Assert.True(mine.Code == 200, $"{role} of {tenant} reading its own household: {mine}");
                }
                foreach (var household in others)
                {
                    var theirs = await api.Get($"/households/{household}");
                    Assert.True(theirs.Code == 404 && theirs.ProblemCode == "UnknownHousehold", $"{role} of {tenant} reading another tenant's household: {theirs}");
                }
            }

            // The regulator has seen every row projected, so one read of each register is complete.
            using var service = Node.ClientOf(tenant, Roles.Service);
            var registers = new Infrastructure.Api(service);
            var claims = await registers.Get("/registers/claims?limit=1000");
            Assert.True(own.SetEquals(HouseholdsOf(claims)), $"claims register of {tenant}: {claims}");
            var renewals = await registers.Get("/registers/renewals?within=366");
            Assert.True(own.SetEquals(HouseholdsOf(renewals)), $"renewals register of {tenant}: {renewals}");
            var automation = await registers.Get("/reports/automation");
            Assert.True(Decisions(automation, "claims") == own.Count, $"automation report of {tenant}: {automation}");
        }
    }

    /// <summary>The access log is written a second after the reads, in batches: the regulator sees every tenant's reads.</summary>
    private async Task AccessLogHoldsEveryTenantsReadsAsync()
    {
        using var client = Node.Client(Roles.Regulator);
        await PollAsync(new Infrastructure.Api(client), "/audit/access?limit=5000", answer =>
        {
            var logged = answer.Json.EnumerateArray()
                .Select(e => (Tenant: e.GetProperty("tenant").GetString()!, Household: e.GetProperty("householdId") is { ValueKind: JsonValueKind.String } h ? h.GetGuid() : (Guid?)null))
                .ToList();
            return Tenants.All(t => _households[t].All(h => logged.Contains((t, h))));
        }, "each tenant's reads of its own households");
    }

    /// <summary>Opens a household of the tenant with a policy whose term ends within a year and a claim, through the node.</summary>
    private async Task WriteHouseholdAsync(string tenant, LocalDate today)
    {
        using var client = Node.ClientOf(tenant, Roles.Clerk, Roles.ClaimsAssessor);
        var api = new Infrastructure.Api(client);
        var (household, holder, _) = await api.OpenHousehold($"{tenant}户{_households[tenant].Count}", Iso(today.PlusDays(-30)));
        var issued = await api.Post($"/households/{household}/policies", new
        {
            category = "medicalAccident", productCode = "MA-CARE", policyholderId = holder, termStart = Iso(today), termEnd = Iso(today.PlusYears(1).PlusDays(-1)),
            insured = new[] { new { personId = holder, annualPremium = 40m } },
        });
        Assert.True(issued.Code == 201, $"{tenant}: {issued}");
        var claim = await api.Post($"/households/{household}/claims",
            new { policyId = issued.Id("policyId"), personId = holder, lossDate = Iso(today), cause = "accident", amount = 200m });
        Assert.True(claim.Code == 201, $"{tenant}: {claim}");
        _households[tenant].Add(household);
    }

    /// <summary>The tenant's households, their events and views, are in <paramref name="home"/> and not in the other database.</summary>
    private async Task AssertStoredOnlyInAsync(string tenant, EmbeddedPostgres home)
    {
        var ids = _households[tenant].ToArray();
        foreach (var database in new[] { Default, Second })
        {
            var name = database == Default ? "the default database" : $"the second database ({SecondId})";
            Assert.True(await ScalarAsync(database, "select count(*) from pg_tables where schemaname = 'ledger' and tablename in ('mt_events', 'mt_doc_household')") == 2,
                $"{name} has no ledger schema");
            var streams = await ScalarAsync(database, "select count(distinct stream_id) from ledger.mt_events where tenant_id = @tenant and stream_id = any(@ids)", tenant, ids);
            var views = await ScalarAsync(database, "select count(*) from ledger.mt_doc_household where tenant_id = @tenant and id = any(@ids)", tenant, ids);
            if (database == home)
            {
                Assert.True(streams == ids.Length, $"{tenant}: {streams} of its {ids.Length} households have events in {name}");
                Assert.True(views == ids.Length, $"{tenant}: {views} of its {ids.Length} households have a view in {name}");
            }
            else
            {
                // Under any tenant id: a row of the tenant's households here is in the wrong database whatever it is labelled.
                var strayEvents = await ScalarAsync(database, "select count(*) from ledger.mt_events where tenant_id = @tenant or stream_id = any(@ids)", tenant, ids);
                var strayViews = await ScalarAsync(database, "select count(*) from ledger.mt_doc_household where tenant_id = @tenant or id = any(@ids)", tenant, ids);
                Assert.True(strayEvents == 0 && strayViews == 0, $"{tenant}: {strayEvents} events and {strayViews} views in {name}");
            }
        }
    }

    /// <summary>Reads until the answer is complete (30 s at most), then prints how long that took and what one read costs.</summary>
    private async Task PollAsync(Infrastructure.Api api, string url, Func<Answer, bool> complete, string what)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var (answer, took) = await TimedAsync(() => api.Get(url));
            Assert.True(answer.Code == 200, $"{url}: {answer}");
            if (complete(answer))
            {
                output.WriteLine($"{url}: {took.TotalMilliseconds:F0} ms a read; complete {watch.Elapsed.TotalSeconds:F1} s after the first");
                return;
            }
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"{url} lacks {what} after 30 s: {answer}\n{Node.RecentOutput()}");
            await Task.Delay(250);
        }
    }

    private static async Task<(Answer Answer, TimeSpan Took)> TimedAsync(Func<Task<Answer>> read)
    {
        var watch = Stopwatch.StartNew();
        var answer = await read();
        return (answer, watch.Elapsed);
    }

    private static HashSet<Guid> HouseholdsOf(Answer rows) => rows.Json.EnumerateArray().Select(r => r.GetProperty("householdId").GetGuid()).ToHashSet();

    private static int Decisions(Answer report, string line) =>
        report.Json.GetProperty(line).GetProperty("automated").GetInt32() + report.Json.GetProperty(line).GetProperty("referred").GetInt32();

    /// <summary>Lines of the output that name the tenant as a word (so <c>north</c> is not found in <c>northwest</c>).</summary>
    private static List<string> LinesNaming(string output, string tenant) =>
        output.Split('\n').Where(l => Regex.IsMatch(l, $@"(?<![\w-]){Regex.Escape(tenant)}(?![\w-])")).ToList();

    /// <summary>The node's business date, so terms and losses fall around its today whenever the test runs.</summary>
    private async Task<LocalDate> TodayAsync()
    {
        using var anonymous = new HttpClient { BaseAddress = Node.Address };
        var settings = await new Infrastructure.Api(anonymous).Get("/console/settings");
        Assert.True(settings.Code == 200, settings.ToString());
        return LocalDatePattern.Iso.Parse(settings.Str("today")).Value;
    }

    private static string Iso(LocalDate date) => LocalDatePattern.Iso.Format(date);

    private Task<long> ScalarAsync(EmbeddedPostgres database, string sql, string? tenant = null, Guid[]? ids = null) =>
        ScalarAsync(database == Second ? SecondDatabase : database.ConnectionString, sql, tenant, ids);

    private static async Task<long> ScalarAsync(string connectionString, string sql, string? tenant = null, Guid[]? ids = null)
    {
        // Unpooled: after the outage test restarts a server, a pooled connection would be a dead one.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (tenant is not null) command.Parameters.AddWithValue("tenant", tenant);
        if (ids is not null) command.Parameters.AddWithValue("ids", ids);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}

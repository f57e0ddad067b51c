using System.Diagnostics;
using System.Security.Cryptography;
using Ledger.Api.Hosting;
using Ledger.Api.Security;
using Ledger.Api.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Ledger.Api.Tests.Hosting;

/// <summary>
/// Three ledger processes on one database with <c>Ledger__Cluster=true</c>, as operations.md runs them: writes go
/// through every node; the node running the async projections is killed (SIGKILL, no shutdown); another takes them
/// over; the registers end complete, the sweep runs each slot once, and the audit chain verifies.
/// </summary>
[Collection(BenchmarkCollection.Name)]
public sealed class ClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    // A sweep slot every 5 seconds, so slots fall before, during and after the node's death.
    private static readonly Dictionary<string, string> Cluster = new() { ["Ledger__Cluster"] = "true", ["Ledger__SweepInterval"] = "00:00:05" };

    private readonly List<LedgerNode> _nodes = [];
    private EmbeddedPostgres _postgres = null!;

    public async Task InitializeAsync()
    {
        _postgres = await EmbeddedPostgres.StartThrowawayAsync();
        // One node first, so the schema is created once; then the others join it.
        _nodes.Add(await LedgerNode.StartAsync(_postgres.ConnectionString, _key, Cluster));
        _nodes.AddRange(await Task.WhenAll(LedgerNode.StartAsync(_postgres.ConnectionString, _key, Cluster), LedgerNode.StartAsync(_postgres.ConnectionString, _key, Cluster)));
    }

    public async Task DisposeAsync()
    {
        try
        {
            foreach (var node in _nodes) await node.DisposeAsync();
        }
        finally
        {
            await _postgres.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_killed_node_s_projections_move_to_another_and_the_registers_end_complete()
    {
        await WriteThroughEveryNodeAsync(households: 6, round: 1);
        var (owner, agents) = await ProjectionOwnerAsync(TimeSpan.FromSeconds(60));
        var victim = _nodes.Single(n => n.NodeId == owner);

        var killedAt = await ScalarAsync("select (extract(epoch from clock_timestamp()) * 1000)::bigint");
        var killed = Stopwatch.StartNew();
        victim.Kill();
        var survivors = _nodes.Where(n => n != victim).ToList();
        // Writes carry on through the other nodes while the cluster notices.
        await WriteThroughEveryNodeAsync(households: 4, round: 2, survivors);
        var (successor, _) = await ProjectionOwnerAsync(TimeSpan.FromSeconds(45), except: owner);
        var takeover = killed.Elapsed;
        Assert.Contains(survivors, n => n.NodeId == successor);
        Assert.True(takeover < TimeSpan.FromSeconds(30), $"The projections ({string.Join(", ", agents)}) moved after {takeover.TotalSeconds:F1} s");
        output.WriteLine($"Projections moved from the killed node to a live one {takeover.TotalSeconds:F1} s after the kill");

        await AllProjectionsCaughtUpAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"Every projection caught up {killed.Elapsed.TotalSeconds:F1} s after the kill");
        // Every claim in the claim register, and each decision counted once, whoever projected it.
        Assert.Equal(await ScalarAsync("select count(*) from ledger.mt_events where type = 'ClaimSubmitted'"),
            await ScalarAsync("select count(*) from ledger.mt_doc_claimregisterentry"));
        Assert.Equal(10, await ScalarAsync("select count(*) from ledger.mt_doc_claimregisterentry"));
        Assert.Equal(10, await ScalarAsync("select count(*) from ledger.mt_doc_automationdecision where data->>'kind' = 'claim'"));

        // The sweep ran while nodes came and went: each slot once, and no transition recorded twice.
        // The next scheduled sweep may have been the dead node's to run: it waits for the leader to release the node's
        // messages, then for a survivor's poll of scheduled messages.
        var swept = await WithinAsync(TimeSpan.FromSeconds(60), async () =>
            await ScalarAsync($"select count(*) from ledger.mt_doc_sweepslot where mt_last_modified > to_timestamp({killedAt} / 1000.0)") > 0);
        Assert.True(swept, "no sweep slot was claimed in the minute after the kill: the chain of scheduled sweeps died with the node");
        output.WriteLine($"A survivor swept a slot {killed.Elapsed.TotalSeconds:F1} s after the kill (or sooner)");
        Assert.Equal(0, await ScalarAsync("""
            select count(*) from (select stream_id, type, data from ledger.mt_events
                                  where type in ('GracePeriodStarted', 'GracePeriodEnded', 'PolicySuspended', 'PolicyExpired', 'RenewalDue')
                                  group by stream_id, type, data having count(*) > 1) as twice
            """));

        using var regulator = survivors[0].Client(Roles.Regulator);
        var verify = await regulator.GetAsync("/audit/verify");
        var body = await verify.Content.ReadAsStringAsync();
        Assert.True(verify.IsSuccessStatusCode, body);
        Assert.Contains("\"verified\":true", body.Replace(" ", ""));
    }

    /// <summary>Each node opens households, each with a policy left unpaid (so the sweep has transitions) and a claim.</summary>
    private async Task WriteThroughEveryNodeAsync(int households, int round, IReadOnlyList<LedgerNode>? nodes = null)
    {
        nodes ??= _nodes;
        for (var i = 0; i < households; i++)
        {
            var node = nodes[i % nodes.Count];
            using var clerk = node.Client(Roles.Clerk, Roles.ClaimsAssessor);
            var api = new Infrastructure.Api(clerk);
            var (household, holder, _) = await api.OpenHousehold($"节点{round}户{i}", "2024-12-01");
            var issued = await api.Post($"/households/{household}/policies", new
            {
                category = "medicalAccident", productCode = "MA-CARE", policyholderId = holder, termStart = "2025-01-01", termEnd = "2025-12-31",
                insured = new[] { new { personId = holder, annualPremium = 40m } },
            });
            Assert.True(issued.Code == 201, issued.ToString());
            var claim = await api.Post($"/households/{household}/claims",
                new { policyId = issued.Id("policyId"), personId = holder, lossDate = "2025-02-10", cause = "accident", amount = 200m });
            Assert.True(claim.Code == 201, claim.ToString());
        }
    }

    /// <summary>
    /// A node running an async projection, once Wolverine has placed all three on live nodes (none on
    /// <paramref name="except"/>), and the agents it placed.
    /// </summary>
    private async Task<(Guid Node, IReadOnlyList<string> Agents)> ProjectionOwnerAsync(TimeSpan timeout, Guid? except = null)
    {
        var watch = Stopwatch.StartNew();
        var live = _nodes.Where(n => !n.Killed).Select(n => n.NodeId).ToHashSet();
        while (true)
        {
            var assigned = new List<(string Agent, Guid Node)>();
            await using (var connection = await OpenAsync())
            await using (var command = new NpgsqlCommand("select id, node_id from ledger.wolverine_node_assignments where id like 'event-subscriptions:%'", connection))
            await using (var reader = await command.ExecuteReaderAsync())
                while (await reader.ReadAsync()) assigned.Add((reader.GetString(0), reader.GetGuid(1)));
            // Three async projections (claim register, policy register, automation), each on one live node.
            var owners = assigned.Select(a => a.Node).Distinct().ToList();
            if (assigned.Count >= 3 && owners.All(live.Contains) && owners.All(o => o != except))
                return (owners[0], assigned.Select(a => a.Agent).ToList());
            if (watch.Elapsed > timeout)
                throw new TimeoutException($"Projection agents after {timeout}: {string.Join(", ", assigned)}; live nodes {string.Join(", ", live)}\n" +
                                           string.Join("\n---\n", _nodes.Select(n => n.RecentOutput())));
            await Task.Delay(250);
        }
    }

    private async Task AllProjectionsCaughtUpAsync(TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var behind = await ScalarAsync("""
                select count(*) from ledger.mt_event_progression
                where name not like 'HighWater%' and last_seq_id < (select coalesce(max(seq_id), 0) from ledger.mt_events)
                """);
            if (behind == 0 && await ScalarAsync("select count(*) from ledger.mt_event_progression where name not like 'HighWater%'") >= 3) return;
            if (watch.Elapsed > timeout)
                throw new TimeoutException($"{behind} projections still behind after {timeout}: {await RowsAsync("select name || ' at ' || last_seq_id from ledger.mt_event_progression")} " +
                                           $"of {await ScalarAsync("select max(seq_id) from ledger.mt_events")}; agents {await RowsAsync("select id || ' on ' || node_id from ledger.wolverine_node_assignments")}\n" +
                                           string.Join("\n---\n", _nodes.Select(n => n.RecentOutput())));
            await Task.Delay(250);
        }
    }

    private static async Task<bool> WithinAsync(TimeSpan timeout, Func<Task<bool>> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout) return false;
            await Task.Delay(250);
        }
        return true;
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private async Task<string> RowsAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return string.Join("; ", rows);
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(_postgres.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}

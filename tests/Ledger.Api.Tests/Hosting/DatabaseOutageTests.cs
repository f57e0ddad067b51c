using System.Diagnostics;
using System.Text.Json;
using Ledger.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Api.Tests.Hosting;

/// <summary>
/// PostgreSQL stopped under a running ledger, then started again: meanwhile every read and write is a quick 503
/// problem that tells the caller when to retry, nothing is half-written, and the ledger recovers by itself.
/// Alone on the machine, with the benchmarks: its bounds are times. Three times in CI the async projections did not
/// resume after the outage: a shard paused by it waits for the daemon's clock, and this ledger's stood still (the clock
/// is moved on now; docs/operations.md, "When the database fails"). If it recurs, the failure says what each daemon
/// agent was doing.
/// </summary>
[Collection(BenchmarkCollection.Name)]
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task While_the_database_is_down_every_request_is_a_quick_503_liveness_stays_up_and_afterwards_the_ledger_recovers_by_itself()
    {
        await using var ledger = await KestrelLedger.StartAsync();
        var api = ledger.Api;
        var (household, holder, number) = await api.OpenHousehold("停机户");
        var versionBefore = (await api.Get($"/households/{household}")).Long("version");

        await ledger.Postgres.StopServerAsync();

        var join = new { name = "李娜", dateOfBirth = "2015-06-18", relationship = "child", effectiveDate = "2025-01-01" };
        var requests = new (string What, Func<Task<Answer>> Send)[]
        {
            ("view", () => api.Get($"/households/{household}")),
            ("view by number", () => api.Get($"/households/{number}")),
            ("list", () => api.Get("/households")),
            ("coverage", () => api.Get($"/households/{household}/coverage?on=2025-06-01")),
            ("history", () => api.Get($"/households/{household}/history")),
            ("audit", () => api.Get("/audit")),
            ("claims register", () => api.Get("/registers/claims")),
            ("open household", () => api.Post("/households", new { holder = new { name = "王芳", dateOfBirth = "1985-04-12" }, openedOn = "2025-01-01" })),
            ("join member", () => api.Post($"/households/{household}/members", join)),
            ("join member again", () => api.Post($"/households/{household}/members", join, ("Idempotency-Key", "outage-1"))),
            ("leave", () => api.Post($"/households/{household}/members/{holder}/leave", new { effectiveDate = "2025-05-01", cause = "moved" })),
        };
        // Quick means no wait for a connect timeout (Npgsql's 15 s) and no retry loop: 3 s, where a 1 s bound failed at
        // 1.03–1.3 s on the 2-core CI machine while other test classes ran beside this one.
        var quick = TimeSpan.FromSeconds(3);
        foreach (var (what, send) in requests)
        {
            var clock = Stopwatch.StartNew();
            var answer = await send();
            clock.Stop();
            Assert.True(answer.Code == 503, $"{what} during the outage: {answer}");
            Assert.Equal("application/problem+json", answer.ContentType);
            Assert.Equal("DatabaseUnavailable", answer.ProblemCode);
            Assert.True(answer.Headers.RetryAfter is not null, $"{what}: no Retry-After");
            Assert.True(clock.Elapsed < quick, $"{what} took {clock.Elapsed.TotalMilliseconds:F0} ms");
        }

        using var anonymous = new HttpClient { BaseAddress = ledger.Address };
        // Liveness says the process works, not the database: a load balancer must not restart a node over an outage.
        Assert.Equal(200, (int)(await anonymous.GetAsync("/health/live")).StatusCode);
        using var ready = await anonymous.GetAsync("/health/ready");
        var readiness = await ready.Content.ReadAsStringAsync();
        Assert.Equal(503, (int)ready.StatusCode);
        var checks = JsonDocument.Parse(readiness).RootElement.GetProperty("checks");
        Assert.Equal("Unhealthy", checks.GetProperty("database").GetProperty("status").GetString());
        foreach (var check in checks.EnumerateObject())
            Assert.Equal(["status"], check.Value.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).Select(p => p.Name));
        foreach (var leak in new[] { "127.0.0.1", ledger.Postgres.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "Npgsql", "connect", "SqlState", "Exception" })
            Assert.DoesNotContain(leak, readiness, StringComparison.OrdinalIgnoreCase);

        await ledger.Postgres.StartServerAsync();
        var recovery = Stopwatch.StartNew();
        Answer back;
        do back = await api.Get($"/households/{household}");
        while (back.Code != 200 && recovery.Elapsed < TimeSpan.FromSeconds(30));
        recovery.Stop();
        Assert.True(back.Code == 200, $"not recovered after {recovery.Elapsed}: {back}");
        Assert.True(recovery.Elapsed < quick, $"recovery took {recovery.Elapsed.TotalMilliseconds:F0} ms");

        // Nothing refused during the outage was written, in part or whole; writing works again.
        Assert.Equal(versionBefore, back.Long("version"));
        Assert.Single((await api.Get("/households")).Json.EnumerateArray());
        var joined = await api.Post($"/households/{household}/members", join, ("Idempotency-Key", "outage-1"));
        Assert.True(joined.Code == 201, joined.ToString());
        Assert.Equal(versionBefore + 1, joined.Long("version"));
        // The async projections go on from where they stopped, without a restart. A shard the outage paused is started
        // again by the daemon's coordinator once its TimeProvider says the health-check interval has passed since the
        // pause (JasperFx.Events' ProjectionCoordinatorBase); this ledger's clock stands still at the fixture's instant,
        // so it is moved on as a real clock would have moved: without that the shard stays paused (seen three times in CI).
        ((NodaTime.Testing.FakeClock)ledger.App.Services.GetRequiredService<NodaTime.IClock>()).Advance(NodaTime.Duration.FromMinutes(1));
        try
        {
            await Marten.Events.TestingExtensions.WaitForNonStaleProjectionDataAsync(ledger.App, TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException stalled)
        {
            // Seen twice in CI and never reproduced here: say what each agent was doing and what the daemon last logged.
            throw new Xunit.Sdk.XunitException($"The projections did not resume: {stalled.Message}\nAgents: {await AgentsAsync(ledger)}\n{ledger.Log.Tail(120)}");
        }
        Assert.Equal(200, (int)(await anonymous.GetAsync("/health/ready")).StatusCode);
    }

    private static async Task<string> AgentsAsync(KestrelLedger ledger)
    {
        var coordinator = ledger.App.Services.GetRequiredService<JasperFx.Events.Daemon.IProjectionCoordinator>();
        var agents = new List<string>();
        foreach (var daemon in await coordinator.AllDaemonsAsync())
            agents.AddRange(daemon.CurrentAgents().Select(a => $"{a.Name.Identity} {a.Status} at {a.Position}, paused {a.PausedTime?.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture) ?? "never"}"));
        return agents.Count == 0 ? "none" : string.Join("; ", agents);
    }

    [Fact]
    public void An_outage_is_recognised_however_deeply_it_is_wrapped_and_nothing_else_is()
    {
        var refused = new Npgsql.NpgsqlException("Failed to connect to 127.0.0.1:5432", new System.Net.Sockets.SocketException(111));
        Assert.True(Ledger.Api.Hosting.DatabaseOutage.Caused(refused));
        Assert.True(Ledger.Api.Hosting.DatabaseOutage.Caused(new InvalidOperationException("wrapped", new Exception("twice", refused))));
        Assert.True(Ledger.Api.Hosting.DatabaseOutage.Caused(new AggregateException(new TimeoutException(), refused)));
        Assert.True(Ledger.Api.Hosting.DatabaseOutage.Caused(new Npgsql.NpgsqlException("Exception while reading from stream", new EndOfStreamException())));
        Assert.True(Ledger.Api.Hosting.DatabaseOutage.Caused(new Npgsql.PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01")));
        Assert.True(Ledger.Api.Hosting.DatabaseOutage.Caused(new Npgsql.PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03")));

        // A lock timeout is a busy household (409), a unique violation a rule: neither is an outage.
        Assert.False(Ledger.Api.Hosting.DatabaseOutage.Caused(new Npgsql.PostgresException("lock timeout", "ERROR", "ERROR", "55P03")));
        Assert.False(Ledger.Api.Hosting.DatabaseOutage.Caused(new Npgsql.PostgresException("duplicate key", "ERROR", "ERROR", "23505")));
        Assert.False(Ledger.Api.Hosting.DatabaseOutage.Caused(new InvalidOperationException("a defect")));
    }
}

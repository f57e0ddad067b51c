using Ledger.Api.Security;
using Ledger.Api.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Api.Tests.Security;

/// <summary>A household of insurer A does not exist for insurer B (404, never 403); regulators read across insurers.</summary>
public sealed class TenancyTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    private static (string, string) TenantUser(string tenant, params string[] roles) =>
        ("Authorization", "Bearer " + LedgerAuth.CreateToken(LedgerFixture.SigningKey, "ledger", "ledger", $"{tenant}.user", roles, tenant, TimeSpan.FromHours(1)));

    [Fact]
    public async Task Another_insurer_cannot_read_write_replay_or_find_a_household()
    {
        var insurerA = TenantUser("insurer-a", Roles.Clerk, Roles.Support, Roles.ClaimsAssessor);
        var insurerB = TenantUser("insurer-b", Roles.Clerk, Roles.Support, Roles.ClaimsAssessor);
        var opened = await Api.Post("/households", new { holder = new { name = "张伟", dateOfBirth = "1985-04-12" }, openedOn = "2025-01-01" }, insurerA);
        Assert.Equal(201, opened.Code);
        var id = opened.Id("householdId");
        var number = opened.Str("householdNumber");
        var holder = opened.Id("holderId");

        Assert.Equal(200, (await Api.Send(HttpMethod.Get, $"/households/{id}", null, [insurerA])).Code);
        foreach (var url in new[] { $"/households/{id}", $"/households/{number}", $"/households/{id}/coverage", $"/households/{id}/history", $"/households/{id}/history/1" })
        {
            var answer = await Api.Send(HttpMethod.Get, url, null, [insurerB]);
            Assert.True(answer.Code == 404, $"{url}: {answer}");
            Assert.Equal("UnknownHousehold", answer.ProblemCode);
        }
        var before = await Fixture.CountEventsAsync();
        var write = await Api.Post($"/households/{id}/members", new { name = "李娜", dateOfBirth = "1987-09-03", relationship = "spouse", effectiveDate = "2025-01-01" }, insurerB);
        Assert.Equal(404, write.Code);
        var leave = await Api.Post($"/households/{id}/members/{holder}/leave", new { effectiveDate = "2025-03-01", cause = "moved" }, insurerB);
        Assert.Equal(404, leave.Code);
        Assert.Equal(before, await Fixture.CountEventsAsync());
        var list = await Api.Send(HttpMethod.Get, $"/households?number={number}", null, [insurerB]);
        Assert.Equal(0, list.Json.GetArrayLength());
    }

    [Fact]
    public async Task A_new_insurer_s_first_requests_arriving_together_all_succeed()
    {
        // Its first use creates its table partitions (Marten's sharded tenancy): concurrent first requests must not race.
        var tenant = "new-" + Guid.NewGuid().ToString("N")[..12];
        var clerk = TenantUser(tenant, Roles.Clerk, Roles.Support);
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => i % 2 == 0
            ? Api.Post("/households", new { holder = new { name = $"新户{i}", dateOfBirth = "1985-04-12" }, openedOn = "2025-01-01" }, clerk)
            : Api.Send(HttpMethod.Get, "/households?number=HH99999999", null, [clerk])));
        Assert.All(answers, a => Assert.True(a.Code is 200 or 201, a.ToString()));
        var listed = await Api.Send(HttpMethod.Get, "/households?limit=100", null, [clerk]);
        Assert.Equal(4, listed.Json.GetArrayLength());
    }

    [Fact]
    public async Task Regulators_read_the_audit_trail_registers_and_exports_across_insurers()
    {
        var a = await Api.Post("/households", new { holder = new { name = "A 户主", dateOfBirth = "1985-04-12" }, openedOn = "2024-01-01" }, TenantUser("insurer-a", Roles.Clerk));
        var b = await Api.Post("/households", new { holder = new { name = "B 户主", dateOfBirth = "1985-04-12" }, openedOn = "2024-01-01" }, TenantUser("insurer-b", Roles.Clerk));
        var policy = await Api.Post($"/households/{b.Id("householdId")}/policies", new
        {
            category = "medical", productCode = "MED-FAMILY", policyholderId = b.Id("holderId"), termStart = "2025-01-01", termEnd = "2025-06-30",
            insured = new[] { new { personId = b.Id("holderId"), annualPremium = 1000m } },
        }, TenantUser("insurer-b", Roles.Clerk));
        var regulator = TenantUser("regulator-office", Roles.Regulator);

        foreach (var (household, events) in new[] { (a.Id("householdId"), 2), (b.Id("householdId"), 5) })
        {
            var trail = await Api.Send(HttpMethod.Get, $"/audit?householdId={household}", null, [regulator]);
            Assert.Equal(events, trail.Json.GetProperty("entries").GetArrayLength());
            var fhir = await Api.Send(HttpMethod.Get, $"/households/{household}/fhir", null, [regulator]);
            Assert.Equal(200, fhir.Code);
        }
        await Marten.Events.TestingExtensions.WaitForNonStaleProjectionDataAsync(Fixture.Host, TimeSpan.FromSeconds(60));
        var renewals = await Api.Send(HttpMethod.Get, "/registers/renewals?within=30", null, [regulator]);
        Assert.Contains(renewals.Json.EnumerateArray(), r => r.GetProperty("policyId").GetGuid() == policy.Id("policyId"));
        var serviceOfA = await Api.Send(HttpMethod.Get, "/registers/renewals?within=30", null, [TenantUser("insurer-a", Roles.Service)]);
        Assert.DoesNotContain(serviceOfA.Json.EnumerateArray(), r => r.GetProperty("policyId").GetGuid() == policy.Id("policyId"));
        Assert.True((await Api.Send(HttpMethod.Get, $"/audit/verify?householdId={a.Id("householdId")}", null, [regulator])).Json.GetProperty("verified").GetBoolean());
    }
}

public sealed class AccessLogTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    [Fact]
    public async Task Reads_of_a_household_are_logged_with_who_read_it()
    {
        var (household, _, _) = await Api.OpenHousehold("张伟");
        await Api.Send(HttpMethod.Get, $"/households/{household}/history", null, [LedgerFixture.As("support.qian", Roles.Support)]);

        await Fixture.Host.Services.GetRequiredService<AccessLog>().FlushAsync(CancellationToken.None);
        var log = await Api.Send(HttpMethod.Get, $"/audit/access?householdId={household}", null, [LedgerFixture.As("regulator.wu", Roles.Regulator)]);

        Assert.Equal(200, log.Code);
        var entry = Assert.Single(log.Json.EnumerateArray(), e => e.GetProperty("actor").GetString() == "support.qian");
        Assert.Equal($"/households/{household}/history", entry.GetProperty("path").GetString());
        Assert.Equal(200, entry.GetProperty("status").GetInt32());
        var forbidden = await Api.Send(HttpMethod.Get, "/audit/access", null, [LedgerFixture.As("support.qian", Roles.Support)]);
        Assert.Equal(403, forbidden.Code);
    }

    [Fact]
    public async Task A_read_reaches_the_log_without_anyone_flushing_it()
    {
        var (household, _, _) = await Api.OpenHousehold("李娜");
        await Api.Send(HttpMethod.Get, $"/households/{household}", null, [LedgerFixture.As("support.zhou", Roles.Support)]);

        // The background loop writes every FlushInterval (1 s); ten seconds is a bound for a loaded machine, not a timing.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var logged = false;
        while (!logged && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            var log = await Api.Send(HttpMethod.Get, $"/audit/access?householdId={household}", null, [LedgerFixture.As("regulator.wu", Roles.Regulator)]);
            logged = log.Json.EnumerateArray().Any(e => e.GetProperty("actor").GetString() == "support.zhou");
            if (!logged) await Task.Delay(50);
        }

        Assert.True(logged, "the read was not in /audit/access after 10 s");
    }

    [Theory]
    [InlineData(null, 1000)]
    [InlineData("00:00:00.1", 100)]
    public void The_log_is_written_at_the_configured_interval(string? configured, int milliseconds)
    {
        var log = AccessLogWith(configured);

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), log.FlushInterval);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    public void An_interval_that_is_not_longer_than_zero_stops_the_start(string configured)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => AccessLogWith(configured));

        Assert.Contains("Ledger:AccessLog:FlushInterval", refused.Message);
    }

    private AccessLog AccessLogWith(string? interval)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(interval is null ? [] : [new("Ledger:AccessLog:FlushInterval", interval)]).Build();
        return new AccessLog(Fixture.Host.Services.GetRequiredService<Marten.IDocumentStore>(), configuration,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<AccessLog>.Instance);
    }

    [Fact]
    public async Task A_household_filter_that_is_not_an_id_is_refused()
    {
        var answer = await Api.Send(HttpMethod.Get, "/audit/access?householdId=HH-1", null, [LedgerFixture.As("regulator.wu", Roles.Regulator)]);

        Assert.Equal(400, answer.Code);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal("ValidationFailed", answer.ProblemCode);
    }
}

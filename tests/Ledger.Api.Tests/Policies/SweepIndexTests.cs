using Ledger.Api.Audit;
using Ledger.Api.Policies;
using Ledger.Api.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;
using Wolverine;
using Wolverine.Tracking;

namespace Ledger.Api.Tests.Policies;

/// <summary>
/// The sweep finds due households in its index (one row per household, kept by the household's own writes), fans out
/// page by page through Wolverine's outbox, and asks for the day's digest once.
/// </summary>
public sealed class SweepIndexTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    private static readonly LocalDate Today = new(2025, 6, 15);

    private async Task<SweepDue> IndexOf(Guid household) =>
        await RowOf(household) ?? throw new Xunit.Sdk.XunitException($"Household {household} has no index row.");

    /// <summary>Null when the household never had anything due: no row is written for it.</summary>
    private async Task<SweepDue?> RowOf(Guid household)
    {
        await using var session = await AcrossTenantsAsync();
        return await session.Query<SweepDue>().SingleOrDefaultAsync(x => x.AnyTenant() && x.Id == household);
    }

    private static DateOnly Day(int year, int month, int day) => new(year, month, day);

    private async Task<SweepResult> RunSweepAsync()
    {
        using var scope = Fixture.Host.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync<SweepResult>(new RunSweep(Today));
    }

    private Task<ITrackedSession> ScheduledSweepAsync() =>
        // A slot of its own, so the claim an earlier run left in a reused database does not count.
        Fixture.Host.TrackActivity().Timeout(TimeSpan.FromMinutes(2))
            .InvokeMessageAndWaitAsync(new ScheduledSweep(Instant.FromUnixTimeSeconds(Random.Shared.NextInt64(0, 1L << 36))));

    [Fact]
    public async Task The_index_follows_the_household_through_issue_payment_lapse_and_erasure()
    {
        var (household, holder, _) = await Api.OpenHousehold("王芳", "2024-01-01");
        Assert.Null(await RowOf(household));

        // Issued today, its first premium due today: grace would start tomorrow.
        var policy = (await Api.Post($"/households/{household}/policies", new
        {
            category = "criticalIllness", productCode = "CI-CLASSIC", policyholderId = holder, termStart = "2025-06-15", termEnd = "2026-06-14",
            insured = new[] { new { personId = holder, annualPremium = 2600m } },
        })).Id("policyId");
        Assert.Equal(Day(2025, 6, 16), (await IndexOf(household)).NextDueOn);
        Assert.Equal(Ledger.Api.Security.Tenancy.Default, (await IndexOf(household)).TenantId);

        // Paid: nothing until the renewal notice, 30 days before the term ends.
        Assert.Equal(200, (await Api.Post($"/households/{household}/policies/{policy}/premiums", new { amount = 2600m, paidOn = "2025-06-15" })).Code);
        Assert.Equal(Day(2026, 5, 15), (await IndexOf(household)).NextDueOn);

        // A member asks for erasure; with no contract of theirs, their data goes the day after.
        var daughter = await Api.Join(household, "李小红", "child", "2010-03-01", "2024-01-01");
        Assert.Equal(200, (await Api.Post($"/households/{household}/members/{daughter}/erasure", new { requestedOn = "2025-06-10", reason = "Please delete" })).Code);
        Assert.Equal(Day(2025, 6, 11), (await IndexOf(household)).NextDueOn);
        await RunSweepAsync();
        Assert.Equal(Day(2026, 5, 15), (await IndexOf(household)).NextDueOn);
    }

    [Fact]
    public async Task A_lapse_recorded_by_the_sweep_moves_the_household_on_to_its_next_due_day()
    {
        var (household, _) = await SweepTests.UnpaidPolicyAsync(Api);
        Assert.Equal(Day(2025, 1, 2), (await IndexOf(household)).NextDueOn);

        await RunSweepAsync();

        Assert.Contains("PolicySuspended", await SweepTests.TypesAsync(Api, household));
        Assert.Equal(Day(2025, 12, 1), (await IndexOf(household)).NextDueOn);
    }

    [Fact]
    public async Task The_index_row_carries_the_households_tenant()
    {
        var insurer = ("Authorization", "Bearer " + Ledger.Api.Security.LedgerAuth.CreateToken(LedgerFixture.SigningKey, "ledger", "ledger",
            "sweep.clerk", [Ledger.Api.Security.Roles.Clerk], "insurer-sweep", TimeSpan.FromHours(1)));
        var opened = await Api.Post("/households", new { holder = new { name = "C 户主", dateOfBirth = "1985-04-12" }, openedOn = "2024-01-01" }, insurer);
        var household = opened.Id("householdId");
        var issued = await Api.Post($"/households/{household}/policies", new
        {
            category = "criticalIllness", productCode = "CI-CLASSIC", policyholderId = opened.Id("holderId"), termStart = "2025-06-15", termEnd = "2026-06-14",
            insured = new[] { new { personId = opened.Id("holderId"), annualPremium = 2600m } },
        }, insurer);
        Assert.Equal(201, issued.Code);

        Assert.Equal("insurer-sweep", (await IndexOf(household)).TenantId);
    }

    [Fact]
    public async Task A_write_that_leaves_the_due_day_stores_no_index_row_and_one_that_moves_it_does()
    {
        var (household, policy) = await SweepTests.UnpaidPolicyAsync(Api);
        var store = Fixture.Host.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession(Ledger.Api.Security.Tenancy.Default))
        {
            session.Delete<SweepDue>(household);
            await session.SaveChangesAsync();
        }

        // A member joining changes nothing the sweep records: the write stores no row (the deleted one stays away).
        await Api.Join(household, "李小红", "child", "2010-03-01", "2024-01-01");
        Assert.Null(await RowOf(household));

        // The premium is paid: nothing is due until the renewal notice, and the row is written again.
        Assert.Equal(200, (await Api.Post($"/households/{household}/policies/{policy}/premiums", new { amount = 2600m, paidOn = "2025-01-01" })).Code);
        Assert.Equal(Day(2025, 12, 1), (await IndexOf(household)).NextDueOn);
    }

    [Fact]
    public async Task Reindexing_writes_the_rows_a_database_from_before_the_index_lacks()
    {
        var (household, _) = await SweepTests.UnpaidPolicyAsync(Api);
        var store = Fixture.Host.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession(Ledger.Api.Security.Tenancy.Default))
        {
            session.Delete<SweepDue>(household);
            await session.SaveChangesAsync();
        }

        Assert.True(await SweepIndex.RebuildAsync(store, CancellationToken.None) > 0);

        var row = await IndexOf(household);
        Assert.Equal((Day(2025, 1, 2), Ledger.Api.Security.Tenancy.Default), (row.NextDueOn, row.TenantId));
    }

    [Fact]
    public async Task The_scheduled_sweep_messages_each_due_household_once_and_no_household_with_nothing_due()
    {
        var (due, _) = await SweepTests.UnpaidPolicyAsync(Api);
        var (paidUp, paidUpHolder, _) = await Api.OpenHousehold("李四", "2024-01-01");
        var paidPolicy = (await Api.Post($"/households/{paidUp}/policies", new
        {
            category = "criticalIllness", productCode = "CI-CLASSIC", policyholderId = paidUpHolder, termStart = "2025-06-15", termEnd = "2026-06-14",
            insured = new[] { new { personId = paidUpHolder, annualPremium = 2600m } },
        })).Id("policyId");
        await Api.Post($"/households/{paidUp}/policies/{paidPolicy}/premiums", new { amount = 2600m, paidOn = "2025-06-15" });
        var (withoutPolicies, _, _) = await Api.OpenHousehold("赵六", "2024-01-01");

        var tracked = await ScheduledSweepAsync();

        var swept = tracked.Executed.MessagesOf<SweepDueHousehold>().ToList();
        Assert.Single(swept, m => m.HouseholdId == due);
        Assert.DoesNotContain(swept, m => m.HouseholdId == paidUp || m.HouseholdId == withoutPolicies);
        Assert.Equal(swept.Count, swept.Select(m => m.HouseholdId).Distinct().Count());
        Assert.Contains("PolicySuspended", await SweepTests.TypesAsync(Api, due));
        // What the sweep recorded, it does not hand out again.
        Assert.DoesNotContain((await ScheduledSweepAsync()).Executed.MessagesOf<SweepDueHousehold>(), m => m.HouseholdId == due);
    }

    [Fact]
    public async Task Pages_hand_out_every_due_household_once_in_order_of_due_date_across_dates()
    {
        var mine = new List<Guid>();
        for (var i = 0; i < 5; i++) mine.Add((await SweepTests.UnpaidPolicyAsync(Api)).Household);
        // Due on another day than the others: the pages cross from one due date to the next.
        var (erasing, holder, _) = await Api.OpenHousehold("钱七", "2024-01-01");
        await Api.Post($"/households/{erasing}/members/{holder}/erasure", new { requestedOn = "2025-06-10", reason = "Please delete" });
        mine.Add(erasing);

        var seen = new List<SweepDue>();
        await using (var session = await AcrossTenantsAsync())
            for (var after = SweepCursor.Start; ;)
            {
                var page = await SweepIndex.PageAsync(session, Today, after, CancellationToken.None, size: 2);
                seen.AddRange(page);
                if (page.Count < 2) break;
                after = SweepIndex.CursorAfter(page[^1]);
            }

        Assert.Equal(seen.Count, seen.Select(x => x.Id).Distinct().Count());
        Assert.All(mine, id => Assert.Contains(seen, x => x.Id == id));
        Assert.All(seen, x => Assert.True(x.NextDueOn <= Today.ToDateOnly()));
        Assert.Equal(seen.Select(x => x.NextDueOn), seen.Select(x => x.NextDueOn).Order());
    }

    [Fact]
    public async Task Two_sweeps_on_one_day_publish_its_digest_once()
    {
        await Api.OpenHousehold("张伟");
        var id = DailyDigestHandler.IdOf(Today);
        await using (var session = Fixture.Host.Services.GetRequiredService<IDocumentStore>().LightweightSession(Ledger.Api.Security.Tenancy.Default))
        {
            session.Delete<PublishedDigest>(id);
            await session.SaveChangesAsync();
        }

        var first = await ScheduledSweepAsync();
        var second = await ScheduledSweepAsync();

        Assert.Single(first.Executed.MessagesOf<PublishDailyDigest>(), m => m.Day == Today);
        Assert.Empty(second.Sent.MessagesOf<PublishDailyDigest>());
        var published = (await Api.Get("/audit/digests?limit=3650")).Json.EnumerateArray().Where(d => d.GetProperty("id").GetString() == id);
        Assert.Single(published);
    }

    [Fact]
    public async Task Nodes_racing_for_one_days_digest_keep_the_first_and_the_loser_is_not_an_error()
    {
        await Api.OpenHousehold("张伟");
        var day = new LocalDate(2032, 1, 1).PlusDays(Random.Shared.Next(0, 365));

        // A loser's insert fails and is discarded by the error policy: not an exception the tracking should fail on.
        var tracked = await Fixture.Host.TrackActivity().Timeout(TimeSpan.FromMinutes(2)).DoNotAssertOnExceptionsDetected()
            .ExecuteAndWaitAsync((Func<IMessageContext, Task>)(async bus =>
            {
                await bus.PublishAsync(new PublishDailyDigest(day));
                await bus.PublishAsync(new PublishDailyDigest(day));
                await bus.PublishAsync(new PublishDailyDigest(day));
            }));

        Assert.Empty(tracked.MovedToErrorQueue.MessagesOf<PublishDailyDigest>());
        var published = (await Api.Get("/audit/digests?limit=3650")).Json.EnumerateArray()
            .Where(d => d.GetProperty("id").GetString() == DailyDigestHandler.IdOf(day)).ToList();
        Assert.Matches("^[0-9a-f]{64}$", Assert.Single(published).GetProperty("digest").GetProperty("digest").GetString());
    }

    [Fact]
    public async Task The_fan_out_is_in_wolverines_durable_inbox_once_the_sweeps_transaction_commits()
    {
        await SweepTests.UnpaidPolicyAsync(Api);

        var tracked = await ScheduledSweepAsync();

        var sent = tracked.Sent.Envelopes().Where(e => e.Message is SweepPage or SweepDueHousehold).Select(e => e.Id).ToArray();
        Assert.NotEmpty(sent);
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select count(*) from {await InboxTableAsync(connection)} where id = any(@ids)", connection);
        command.Parameters.AddWithValue("ids", sent);
        Assert.Equal(sent.Length, (long)(await command.ExecuteScalarAsync())!);
    }

    /// <summary>Wolverine's durable inbox table, in whichever schema the Marten integration put it.</summary>
    private static async Task<string> InboxTableAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand(
            "select table_schema from information_schema.tables where table_name = 'wolverine_incoming_envelopes'", connection);
        return $"{(string)(await command.ExecuteScalarAsync())!}.wolverine_incoming_envelopes";
    }
}

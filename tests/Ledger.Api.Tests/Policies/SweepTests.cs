using Ledger.Api.Policies;
using Ledger.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Wolverine;
using Wolverine.Tracking;

namespace Ledger.Api.Tests.Policies;

/// <summary>Time-driven transitions are recorded once, by the scheduled Wolverine job and by <c>ledger sweep</c>.</summary>
public sealed class SweepTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    internal static async Task<(Guid Household, Guid Policy)> UnpaidPolicyAsync(Infrastructure.Api api)
    {
        var (household, holder, _) = await api.OpenHousehold("王芳", "2024-01-01");
        var issued = await api.Post($"/households/{household}/policies", new
        {
            category = "criticalIllness", productCode = "CI-CLASSIC", policyholderId = holder, termStart = "2025-01-01", termEnd = "2025-12-31",
            insured = new[] { new { personId = holder, annualPremium = 2600m } },
        });
        return (household, issued.Id("policyId"));
    }

    internal static async Task<string[]> TypesAsync(Infrastructure.Api api, Guid household) =>
        (await api.Get($"/households/{household}/history")).Json.EnumerateArray().Select(e => e.GetProperty("type").GetString()!).ToArray();

    [Fact]
    public async Task The_scheduled_sweep_records_grace_and_suspension_once_using_the_ledgers_clock()
    {
        var (household, _) = await UnpaidPolicyAsync(Api);
        using var scope = Fixture.Host.Services.CreateScope();
        var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();

        await bus.InvokeAsync<SweepResult>(new RunSweep(new LocalDate(2025, 6, 15)));
        var afterFirst = await TypesAsync(Api, household);
        await bus.InvokeAsync<SweepResult>(new RunSweep(new LocalDate(2025, 6, 15)));

        Assert.Equal(1, afterFirst.Count(t => t == "GracePeriodStarted"));
        Assert.Equal(1, afterFirst.Count(t => t == "PolicySuspended"));
        Assert.Equal(afterFirst, await TypesAsync(Api, household));
        var history = (await Api.Get($"/households/{household}/history")).Json.EnumerateArray().ToList();
        var suspended = history.Single(e => e.GetProperty("type").GetString() == "PolicySuspended");
        Assert.Equal("2025-03-03", suspended.GetProperty("effectiveDate").GetString());
        Assert.Equal("sweep", suspended.GetProperty("actor").GetString());
    }

    [Fact]
    public async Task The_scheduled_sweep_records_the_transitions_through_one_queued_message_per_household_once_per_slot()
    {
        var (household, _) = await UnpaidPolicyAsync(Api);
        // A slot of its own, so the claim an earlier run of this test left in a reused database does not count.
        var slot = Instant.FromUnixTimeSeconds(Random.Shared.NextInt64(0, 1L << 36));

        var first = await Fixture.Host.TrackActivity().Timeout(TimeSpan.FromMinutes(2)).InvokeMessageAndWaitAsync(new ScheduledSweep(slot));
        var afterFirst = await TypesAsync(Api, household);
        var second = await Fixture.Host.TrackActivity().Timeout(TimeSpan.FromMinutes(2)).InvokeMessageAndWaitAsync(new ScheduledSweep(slot));

        var swept = Assert.Single(first.Executed.MessagesOf<SweepDueHousehold>(), m => m.HouseholdId == household);
        Assert.Equal(new LocalDate(2025, 6, 15), swept.Date);
        Assert.Equal(1, afterFirst.Count(t => t == "GracePeriodStarted"));
        Assert.Equal(1, afterFirst.Count(t => t == "PolicySuspended"));
        Assert.Empty(second.Sent.MessagesOf<SweepDueHousehold>());
        Assert.Equal(afterFirst, await TypesAsync(Api, household));
    }

    [Fact]
    public async Task A_household_whose_sweep_fails_goes_to_the_dead_letters_and_the_others_are_swept()
    {
        var (household, _) = await UnpaidPolicyAsync(Api);
        var unknown = Guid.NewGuid();
        var date = new LocalDate(2025, 6, 15);

        var tracked = await Fixture.Host.TrackActivity().Timeout(TimeSpan.FromMinutes(2)).DoNotAssertOnExceptionsDetected()
            .ExecuteAndWaitAsync((Func<IMessageContext, Task>)(async bus =>
            {
                await bus.PublishAsync(new SweepDueHousehold(unknown, Ledger.Api.Security.Tenancy.Default, date));
                await bus.PublishAsync(new SweepDueHousehold(household, Ledger.Api.Security.Tenancy.Default, date));
            }));

        Assert.Contains(tracked.MovedToErrorQueue.MessagesOf<SweepDueHousehold>(), m => m.HouseholdId == unknown);
        Assert.Contains("PolicySuspended", await TypesAsync(Api, household));
    }

    [Fact]
    public async Task A_late_sweep_records_a_grace_already_over_with_its_end_and_no_suspension()
    {
        // Issue 9: a premium due 2025-03-20 and paid 2025-03-25, swept on 2025-04-10.
        var (household, holder, _) = await Api.OpenHousehold("王芳", "2024-01-01");
        var issued = await Api.Post($"/households/{household}/policies", new
        {
            category = "criticalIllness", productCode = "CI-CLASSIC", policyholderId = holder, termStart = "2025-03-20", termEnd = "2026-03-19",
            insured = new[] { new { personId = holder, annualPremium = 2600m } },
        });
        Assert.Equal(200, (await Api.Post($"/households/{household}/policies/{issued.Id("policyId")}/premiums", new { amount = 2600m, paidOn = "2025-03-25" })).Code);
        using var scope = Fixture.Host.Services.CreateScope();

        await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync<SweepResult>(new RunSweep(new LocalDate(2025, 4, 10)));

        var recorded = (await Api.Get($"/households/{household}/history")).Json.EnumerateArray()
            .Where(e => e.GetProperty("actor").GetString() == "sweep")
            .Select(e => (e.GetProperty("type").GetString(), e.GetProperty("effectiveDate").GetString())).ToList();
        Assert.Equal([("GracePeriodStarted", "2025-03-21"), ("GracePeriodEnded", "2025-03-25")], recorded);
    }

    [Fact]
    public async Task A_sweep_for_a_future_date_is_refused()
    {
        using var scope = Fixture.Host.Services.CreateScope();
        var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();
        var refused = await Assert.ThrowsAsync<Ledger.Domain.DomainRuleViolated>(() => bus.InvokeAsync<SweepResult>(new RunSweep(new LocalDate(2025, 6, 16))));
        Assert.Equal("DateInFuture", refused.Code);
    }
}

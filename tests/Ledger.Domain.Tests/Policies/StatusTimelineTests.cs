using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Policies;

/// <summary>The view's status timeline: a policy's status over its terms as runs of days, and the reason for a status.</summary>
public class StatusTimelineTests
{
    public static TheoryData<string, string[]> Histories => new()
    {
        { "paid", ["Active 2025-01-01 2025-12-31"] },
        { "unpaid", ["Active 2025-01-01 2025-01-01", "InGrace 2025-01-02 2025-03-02", "Suspended 2025-03-03 2025-12-31"] },
        { "paidInGrace", ["Active 2025-01-01 2025-01-01", "InGrace 2025-01-02 2025-02-19", "Active 2025-02-20 2025-12-31"] },
        { "reinstated", ["Active 2025-01-01 2025-01-01", "InGrace 2025-01-02 2025-03-02", "Suspended 2025-03-03 2025-04-30", "Active 2025-05-01 2025-12-31"] },
        { "cancelled", ["Active 2025-01-01 2025-08-31", "Cancelled 2025-09-01 2025-12-31"] },
        { "withdrawn", ["Voided 2025-01-01 2025-12-31"] },
    };

    private static object[] History(string name) => name switch
    {
        "paid" => FamilyWithPaidMedical,
        "unpaid" => FamilyWithUnpaidMedical,
        "paidInGrace" => FamilyWithUnpaidMedical.Plus(Paid(MedicalId, FirstPremium, D(2025, 2, 20))),
        "reinstated" => FamilyWithUnpaidMedical.Plus(Paid(MedicalId, FirstPremium, D(2025, 5, 1)), new PolicyReinstated(MedicalId, FirstPremium, D(2025, 5, 31), D(2025, 5, 1))),
        "cancelled" => FamilyWithPaidMedical.Plus(new PolicyCancelled(MedicalId, "request", 100m, D(2025, 8, 31))),
        "withdrawn" => FamilyWithPaidMedical.Plus(new PolicyWithdrawnInCoolingOff(MedicalId, FirstPremium, D(2025, 1, 5))),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Histories))]
    public void GivenAPolicyHistory_WhenItsTimelineIsComputed_ThenEachRunOfDaysHasItsStatus(string history, string[] expected)
    {
        var timeline = StatusPeriod.Of(History(history).PolicyOf(MedicalId));

        Assert.Equal(expected, timeline.Select(p => $"{p.Status} {p.From:yyyy-MM-dd} {p.To:yyyy-MM-dd}"));
    }

    [Theory]
    [MemberData(nameof(Histories))]
    public void GivenAPolicyHistory_WhenItsTimelineIsComputed_ThenEveryDayHasTheStatusTheRulesGiveThatDay(string history, string[] _)
    {
        var policy = History(history).PolicyOf(MedicalId);
        var timeline = StatusPeriod.Of(policy);

        for (var day = policy.FirstTerm.Start; day <= policy.LastTerm.End; day = day.PlusDays(1))
            Assert.Equal(policy.StatusOn(day), timeline.Single(p => p.From <= day && day <= p.To).Status);
    }

    [Fact]
    public void GivenFirstPremiumUnpaid_WhenOnApril10_ThenTheReasonNamesTheDuePremiumAndTheEndOfGrace()
    {
        var reason = FamilyWithUnpaidMedical.ViewOf(MedicalId, D(2025, 4, 10)).StatusReason;

        Assert.Equal(new PolicyStatusReason(PolicyStatus.Suspended, D(2025, 3, 3), TermStart, FirstPremium, D(2025, 3, 2), null), reason);
    }
}

using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Policies;

/// <summary>
/// The view's status timeline is computed only on the days a status can change; it must say what evaluating every day
/// of the terms says, for paid, unpaid, late-paid, reinstated, cancelled and withdrawn policies.
/// </summary>
public class StatusTimelineTests
{
    public static TheoryData<string> Histories => new() { "paid", "unpaid", "paidInGrace", "reinstated", "cancelled", "withdrawn", "partlyPaid" };

    private static object[] History(string name) => name switch
    {
        "paid" => FamilyWithPaidMedical,
        "unpaid" => FamilyWithUnpaidMedical,
        "paidInGrace" => FamilyWithUnpaidMedical.Plus(Paid(MedicalId, FirstPremium, D(2025, 2, 20))),
        "partlyPaid" => FamilyWithUnpaidMedical.Plus(Paid(MedicalId, FirstPremium / 2, D(2025, 1, 20))),
        "reinstated" => FamilyWithUnpaidMedical.Plus(Paid(MedicalId, FirstPremium, D(2025, 5, 1)), new PolicyReinstated(MedicalId, FirstPremium, D(2025, 5, 31), D(2025, 5, 1))),
        "cancelled" => FamilyWithPaidMedical.Plus(new PolicyCancelled(MedicalId, "request", 100m, D(2025, 8, 31))),
        "withdrawn" => FamilyWithPaidMedical.Plus(new PolicyWithdrawnInCoolingOff(MedicalId, FirstPremium, D(2025, 1, 5))),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Histories))]
    public void GivenAPolicyHistory_WhenItsTimelineIsComputed_ThenItMatchesEveryDaysStatus(string history)
    {
        var policy = History(history).PolicyOf(MedicalId);
        var expected = new List<StatusPeriod>();
        for (var day = policy.FirstTerm.Start; day <= policy.LastTerm.End; day = day.PlusDays(1))
        {
            var status = policy.StatusOn(day);
            if (expected.Count > 0 && expected[^1].Status == status) expected[^1] = expected[^1] with { To = day };
            else expected.Add(new StatusPeriod(status, day, day));
        }

        Assert.Equal(expected, StatusPeriod.Of(policy));
    }

    [Fact]
    public void GivenFirstPremiumUnpaid_WhenOnApril10_ThenTheReasonNamesTheDuePremiumAndTheEndOfGrace()
    {
        var reason = FamilyWithUnpaidMedical.ViewOf(MedicalId, D(2025, 4, 10)).StatusReason;

        Assert.Equal(new PolicyStatusReason(PolicyStatus.Suspended, D(2025, 3, 3), TermStart, FirstPremium, D(2025, 3, 2), null), reason);
    }
}

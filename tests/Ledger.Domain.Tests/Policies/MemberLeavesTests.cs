using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using NodaTime;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Policies;

/// <summary>
/// A member who leaves the household (a death reported late, a divorce) stops being insured by every policy of the
/// household from the day after their last day, with a pro-rata refund for each.
/// </summary>
public class MemberLeavesTests
{
    private static readonly LocalDate LastDay = D(2025, 4, 30);

    /// <summary>The medical policy (spouse 1,825 a year) and the critical-illness policy (spouse 730 a year), both paid.</summary>
    private static object[] GivenTwoPolicies => FamilyWithPaidMedical.Plus(CriticalIllnessPaid);

    private static LeaveHousehold Leave(Guid personId, LocalDate lastDay, LeaveCause cause) => new LeaveHousehold(lastDay, cause) { PersonId = personId };

    [Fact]
    public void GivenSpouseInsuredOnTwoPolicies_WhenHerDeathOnApril30IsReportedInJune_ThenRemovedFromEachWithA245DayRefund()
    {
        // 2025-05-01..2025-12-31 is 245 days: 1,825 × 245/365 = 1,225; 730 × 245/365 = 490.
        GivenTwoPolicies.Decide(Leave(SpouseId, LastDay, LeaveCause.Death), today: Today).ThenEvents(
            new MemberLeft(SpouseId, LeaveCause.Death, LastDay),
            new InsuredRemoved(MedicalId, SpouseId, "memberLeft:death", 1225.00m, LastDay),
            new InsuredRemoved(CriticalIllnessId, SpouseId, "memberLeft:death", 490.00m, LastDay));
        Assert.Equal(245, Period.DaysBetween(LastDay.PlusDays(1), TermEnd) + 1);
    }

    [Fact]
    public void GivenSpouseLeftOnApril30_ThenCoveredThatDayAndNotFromMay1OnEveryPolicy()
    {
        var household = GivenTwoPolicies.AndThen(Leave(SpouseId, LastDay, LeaveCause.Death), Today).State();

        foreach (var policy in household.Policies)
        {
            Assert.True(policy.Covers(SpouseId, LastDay, illness: false));
            Assert.False(policy.Covers(SpouseId, LastDay.PlusDays(1), illness: false));
            Assert.True(policy.Covers(HolderId, LastDay.PlusDays(1), illness: false));
        }
    }

    [Fact]
    public void GivenSpouseLeftOnApril30_WhenViewed_ThenHerCoverEndsThenAndTheRefundIsOwedBack()
    {
        var view = GivenTwoPolicies.AndThen(Leave(SpouseId, LastDay, LeaveCause.Divorce), Today).ViewOf(MedicalId, Today);
        var spouse = view.CoverOf(SpouseId);

        Assert.Equal(LastDay, spouse.CoverTo);
        Assert.Equal("memberLeft:divorce", spouse.EndCause);
        Assert.False(spouse.Covered);
        Assert.Equal(-1225m, view.PremiumBalance);
        Assert.Equal(PolicyStatus.Active, view.Status);
    }

    [Fact]
    public void GivenSonNotInsured_WhenHeLeaves_ThenOnlyMemberLeft()
    {
        GivenTwoPolicies.Decide(Leave(SonId, LastDay, LeaveCause.Moved)).ThenEvents(new MemberLeft(SonId, LeaveCause.Moved, LastDay));
    }

    [Fact]
    public void GivenSpouseRemovedFromTheMedicalPolicyEarlier_WhenSheLeaves_ThenOnlyTheOtherPolicyRefunds()
    {
        var given = GivenTwoPolicies.AndThen(new RemoveInsured(D(2025, 3, 31), "request") { PolicyId = MedicalId, PersonId = SpouseId });

        given.Decide(Leave(SpouseId, LastDay, LeaveCause.Death)).ThenEvents(
            new MemberLeft(SpouseId, LeaveCause.Death, LastDay),
            new InsuredRemoved(CriticalIllnessId, SpouseId, "memberLeft:death", 490.00m, LastDay));
    }

    [Fact]
    public void GivenMedicalPolicyCancelledBeforeSheLeft_WhenSheLeaves_ThenOnlyTheOtherPolicyRefunds()
    {
        var given = GivenTwoPolicies.AndThen(new CancelPolicy(D(2025, 3, 31), "switching insurer") { PolicyId = MedicalId });

        given.Decide(Leave(SpouseId, LastDay, LeaveCause.Death)).ThenEvents(
            new MemberLeft(SpouseId, LeaveCause.Death, LastDay),
            new InsuredRemoved(CriticalIllnessId, SpouseId, "memberLeft:death", 490.00m, LastDay));
    }

    [Fact]
    public void GivenTermEnded_WhenSheLeavesAfterIt_ThenNoRefund()
    {
        GivenTwoPolicies.Decide(Leave(SpouseId, D(2026, 1, 15), LeaveCause.Moved), today: D(2026, 1, 20))
            .ThenEvents(new MemberLeft(SpouseId, LeaveCause.Moved, D(2026, 1, 15)));
    }

    [Fact]
    public void GivenPolicyStartsNextMonth_WhenTheSpouseLeavesBeforeIt_ThenHerWholePremiumIsRefundedAndSheIsNeverCovered()
    {
        var issue = IssueMedical() with { TermStart = D(2025, 7, 1), TermEnd = D(2026, 6, 30) };
        var given = Family.AndThen(issue, Today);

        var events = given.Decide(Leave(SpouseId, D(2025, 6, 20), LeaveCause.Moved));

        events.ThenEvents(
            new MemberLeft(SpouseId, LeaveCause.Moved, D(2025, 6, 20)),
            new InsuredRemoved(MedicalId, SpouseId, "memberLeft:moved", SpousePremium, D(2025, 6, 20)));
        Assert.False(given.Plus(events).PolicyOf(MedicalId).Covers(SpouseId, D(2025, 7, 1), illness: false));
    }
}

using Ledger.Domain.Policies;
using NodaTime;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Policies;

/// <summary>
/// Cooling-off (犹豫期): MED-FAMILY gives 15 days from the day the contract was received (2025-01-01), so 2025-01-16 is
/// the last day to withdraw with a full refund; afterwards the policy can only be cancelled with a pro-rata refund.
/// </summary>
public class WithdrawAndCancelTests
{
    private static readonly LocalDate LastCoolingOffDay = D(2025, 1, 16);
    private static readonly LocalDate LastDayOfJune = D(2025, 6, 30);

    private static WithdrawPolicy Withdraw(LocalDate on) => new WithdrawPolicy(on) { PolicyId = MedicalId };

    private static CancelPolicy Cancel(LocalDate lastDay) => new CancelPolicy(lastDay, "Moving abroad") { PolicyId = MedicalId };

    private static object[] GivenWithdrawn => FamilyWithPaidMedical.AndThen(Withdraw(LastCoolingOffDay), LastCoolingOffDay);

    [Fact]
    public void GivenPaidPolicy_WhenWithdrawnOnTheLastCoolingOffDay_ThenEverythingPaidIsRefunded()
    {
        FamilyWithPaidMedical.Decide(Withdraw(LastCoolingOffDay), today: LastCoolingOffDay).ThenEvents(
            new PolicyWithdrawnInCoolingOff(MedicalId, FirstPremium, LastCoolingOffDay));
    }

    [Fact]
    public void GivenPaidPolicy_WhenWithdrawnTheDayAfterCoolingOff_ThenCoolingOffOver()
    {
        FamilyWithPaidMedical.Refused(Withdraw(LastCoolingOffDay.PlusDays(1)), today: LastCoolingOffDay.PlusDays(1))
            .Violates("CoolingOffOver", ViolationKind.Rule);
    }

    [Theory]
    [InlineData(2024, 12, 31)]
    [InlineData(2025, 1, 1)]
    [InlineData(2025, 1, 16)]
    [InlineData(2025, 6, 15)]
    [InlineData(2026, 6, 1)]
    public void GivenPolicyWithdrawn_WhenViewedOnAnyDate_ThenVoidedAndNobodyCovered(int year, int month, int day)
    {
        var policy = GivenWithdrawn.PolicyOf(MedicalId);
        var date = D(year, month, day);

        Assert.Equal(PolicyStatus.Voided, policy.StatusOn(date));
        Assert.False(policy.Covers(HolderId, date, illness: false));
    }

    [Fact]
    public void GivenPolicyWithdrawnAfterPayingInFull_ThenThePolicyholderIsOwedWhatTheyPaid()
    {
        Assert.Equal(-FirstPremium, GivenWithdrawn.ViewOf(MedicalId, Today).PremiumBalance);
    }

    [Fact]
    public void GivenPartOfThePremiumPaid_WhenWithdrawnInCoolingOff_ThenOnlyTheRefundOfWhatWasPaidIsOutstanding()
    {
        var given = FamilyWithUnpaidMedical.Plus(Paid(MedicalId, 1000m, D(2025, 1, 5))).AndThen(Withdraw(D(2025, 1, 10)), D(2025, 1, 10));

        Assert.Equal(1000m, Assert.IsType<PolicyWithdrawnInCoolingOff>(given[^1]).Refund);
        Assert.Equal(-1000m, given.ViewOf(MedicalId, Today).PremiumBalance);
    }

    [Fact]
    public void GivenPolicyWithdrawn_WhenAPremiumIsPaid_ThenPolicyVoided()
    {
        GivenWithdrawn.Refused(new PayPremium(1m, Today) { PolicyId = MedicalId }).Violates("PolicyVoided", ViolationKind.Conflict);
    }

    [Fact]
    public void GivenPolicyWithdrawn_WhenWithdrawnAgain_ThenPolicyVoided()
    {
        GivenWithdrawn.Refused(Withdraw(LastCoolingOffDay), LastCoolingOffDay).Violates("PolicyVoided", ViolationKind.Conflict);
    }

    [Fact]
    public void GivenContractReceivedJanuary1_WhenWithdrawalRequestedBefore_ThenBeforeContractReceived()
    {
        FamilyWithPaidMedical.Refused(Withdraw(D(2024, 12, 31))).Violates("BeforeContractReceived", ViolationKind.Rule);
    }

    [Fact]
    public void GivenToday_WhenWithdrawalRequestedTomorrow_ThenDateInFuture()
    {
        FamilyWithPaidMedical.Refused(Withdraw(D(2025, 1, 10)), today: D(2025, 1, 9)).Violates("DateInFuture", ViolationKind.Rule);
    }

    [Fact]
    public void GivenPaidPolicy_WhenCancelledWithJune30AsLastDay_ThenRefundIs184DaysOfEveryInsuredsPremium()
    {
        // 3,650 × 184/365 = 1,840 for the holder; 1,825 × 184/365 = 920 for the spouse.
        FamilyWithPaidMedical.Decide(Cancel(LastDayOfJune)).ThenEvents(
            new PolicyCancelled(MedicalId, "Moving abroad", 2760.00m, LastDayOfJune));
    }

    [Fact]
    public void GivenPolicyCancelledWithJune30AsLastDay_ThenActiveOnJune30AndCancelledFromJuly1()
    {
        var policy = FamilyWithPaidMedical.AndThen(Cancel(LastDayOfJune)).PolicyOf(MedicalId);

        Assert.Equal(PolicyStatus.Active, policy.StatusOn(LastDayOfJune));
        Assert.True(policy.Covers(HolderId, LastDayOfJune, illness: true));
        Assert.Equal(PolicyStatus.Cancelled, policy.StatusOn(D(2025, 7, 1)));
        Assert.False(policy.Covers(HolderId, D(2025, 7, 1), illness: false));
        Assert.Equal(-2760m, policy.PremiumOn(D(2025, 7, 1)).Balance);
    }

    [Fact]
    public void GivenPolicyCancelled_WhenViewed_ThenEveryCoverEndsOnTheLastDay()
    {
        var view = FamilyWithPaidMedical.AndThen(Cancel(LastDayOfJune)).ViewOf(MedicalId, D(2025, 7, 1));

        Assert.Equal(PolicyStatus.Cancelled, view.Status);
        Assert.All(view.Insured, i => Assert.Equal(LastDayOfJune, i.CoverTo));
        Assert.All(view.Insured, i => Assert.False(i.Covered));
    }

    [Fact]
    public void GivenSpouseRemovedEarlier_WhenCancelled_ThenOnlyTheHoldersRemainingPremiumIsRefunded()
    {
        var given = FamilyWithPaidMedical.AndThen(new RemoveInsured(D(2025, 3, 31), "request") { PolicyId = MedicalId, PersonId = SpouseId });

        Assert.Equal(1840.00m, Assert.IsType<PolicyCancelled>(Assert.Single(given.Decide(Cancel(LastDayOfJune)))).Refund);
    }

    [Fact]
    public void GivenPolicyCancelled_WhenCancelledAgain_ThenPolicyCancelled()
    {
        FamilyWithPaidMedical.AndThen(Cancel(LastDayOfJune)).Refused(Cancel(LastDayOfJune)).Violates("PolicyCancelled", ViolationKind.Conflict);
    }

    [Fact]
    public void GivenPolicyCancelled_WhenSomeoneIsAdded_ThenPolicyCancelled()
    {
        FamilyWithPaidMedical.AndThen(Cancel(LastDayOfJune))
            .Refused(new AddInsured(SonId, D(2025, 6, 1), 100m) { PolicyId = MedicalId }).Violates("PolicyCancelled", ViolationKind.Conflict);
    }

    [Fact]
    public void GivenTermEndsDecember31_WhenCancelledWithALastDayInJanuary2026_ThenOutsideTerm()
    {
        FamilyWithPaidMedical.Refused(Cancel(D(2026, 1, 15)), today: D(2025, 12, 20)).Violates("OutsideTerm", ViolationKind.Rule);
    }
}

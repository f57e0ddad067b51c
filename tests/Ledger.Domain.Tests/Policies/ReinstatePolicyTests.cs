using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using NodaTime;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Policies;

/// <summary>
/// Reinstatement (复效, 保险法 §37): a policy suspended on 2025-03-03 (worked example 3) may be reinstated within two
/// years by paying its arrears; illness cover restarts with a new 30-day waiting period, accidents are covered at once.
/// </summary>
public class ReinstatePolicyTests
{
    private static readonly LocalDate ReinstatedOn = D(2025, 4, 10);

    private static ReinstatePolicy Reinstate(LocalDate on, decimal arrears) => new ReinstatePolicy(on, arrears) { PolicyId = MedicalId };

    private static object[] GivenReinstated => FamilyWithUnpaidMedical.AndThen(Reinstate(ReinstatedOn, FirstPremium), ReinstatedOn);

    [Fact]
    public void GivenPolicySuspended_WhenArrearsArePaid_ThenPaidAndReinstatedWithIllnessCoverFrom30DaysLater()
    {
        FamilyWithUnpaidMedical.Decide(Reinstate(ReinstatedOn, FirstPremium), today: ReinstatedOn).ThenEvents(
            new PremiumPaid(MedicalId, FirstPremium, TermStart, ReinstatedOn),
            new PolicyReinstated(MedicalId, FirstPremium, D(2025, 5, 10), ReinstatedOn));
    }

    [Fact]
    public void GivenPolicyReinstatedOnApril10_ThenActiveFromThatDayAndSuspendedTheDayBefore()
    {
        var policy = GivenReinstated.PolicyOf(MedicalId);

        Assert.Equal(PolicyStatus.Suspended, policy.StatusOn(ReinstatedOn.PlusDays(-1)));
        Assert.Equal(PolicyStatus.Active, policy.StatusOn(ReinstatedOn));
        Assert.Equal(0m, policy.PremiumOn(ReinstatedOn).Balance);
    }

    [Fact]
    public void GivenPolicyReinstatedOnApril10_WhenAccidentThatDay_ThenCovered()
    {
        Assert.True(GivenReinstated.PolicyOf(MedicalId).Covers(HolderId, ReinstatedOn, illness: false));
    }

    [Fact]
    public void GivenPolicyReinstatedOnApril10_WhenIllnessInTheNewWaitingPeriod_ThenNotCovered()
    {
        var policy = GivenReinstated.PolicyOf(MedicalId);

        Assert.False(policy.Covers(HolderId, ReinstatedOn, illness: true));
        Assert.False(policy.Covers(HolderId, D(2025, 5, 9), illness: true));
    }

    [Fact]
    public void GivenPolicyReinstatedOnApril10_WhenIllnessOnMay10_ThenCovered()
    {
        Assert.True(GivenReinstated.PolicyOf(MedicalId).Covers(HolderId, D(2025, 5, 10), illness: true));
    }

    [Fact]
    public void GivenPolicyReinstatedOnApril10_WhenIllnessDuringTheEarlierGrace_ThenStillCovered()
    {
        // The restart applies from the reinstatement: it does not take back cover the policy gave in grace.
        Assert.True(GivenReinstated.PolicyOf(MedicalId).Covers(HolderId, D(2025, 2, 15), illness: true));
    }

    [Fact]
    public void GivenPolicyReinstated_WhenViewed_ThenTheViewShowsTheRestartedIllnessCover()
    {
        var holder = GivenReinstated.ViewOf(MedicalId, D(2025, 4, 20)).CoverOf(HolderId);

        Assert.Equal(D(2025, 5, 10), holder.IllnessCoverFrom);
        Assert.True(holder.Covered);
        Assert.False(holder.IllnessCovered);
    }

    [Fact]
    public void GivenPolicyPaidUp_WhenReinstated_ThenNotSuspended()
    {
        FamilyWithPaidMedical.Refused(Reinstate(ReinstatedOn, 1m), ReinstatedOn).Violates("NotSuspended", ViolationKind.Conflict);
    }

    [Fact]
    public void GivenPolicyInGrace_WhenReinstated_ThenNotSuspended()
    {
        FamilyWithUnpaidMedical.Refused(Reinstate(D(2025, 3, 2), FirstPremium), D(2025, 3, 2)).Violates("NotSuspended", ViolationKind.Conflict);
    }

    [Fact]
    public void GivenPolicySuspended_WhenLessThanTheArrearsIsPaid_ThenArrearsNotPaid()
    {
        FamilyWithUnpaidMedical.Refused(Reinstate(ReinstatedOn, FirstPremium - 0.01m), ReinstatedOn).Violates("ArrearsNotPaid", ViolationKind.Rule);
    }

    [Fact]
    public void GivenPolicySuspended_WhenMoreThanTheArrearsIsPaid_ThenOverpayment()
    {
        FamilyWithUnpaidMedical.Refused(Reinstate(ReinstatedOn, FirstPremium + 1m), ReinstatedOn).Violates("Overpayment", ViolationKind.Rule);
    }

    [Fact]
    public void GivenPolicySuspendedOnMarch3_2025_WhenReinstatedOnMarch4_2027_ThenReinstatementPeriodOver()
    {
        var late = D(2027, 3, 4);

        FamilyWithUnpaidMedical.Refused(Reinstate(late, FirstPremium), late).Violates("ReinstatementPeriodOver", ViolationKind.Rule);
    }

    [Fact]
    public void GivenArrearsPaidLateWithPayPremium_WhenReinstatedWithTheArrearsAgain_ThenOverpayment()
    {
        // What the code does today: the late payment is accepted, the policy stays suspended, and the balance is 0.
        var given = FamilyWithUnpaidMedical.AndThen(new PayPremium(FirstPremium, D(2025, 3, 10)) { PolicyId = MedicalId }, D(2025, 3, 10));

        Assert.Equal(PolicyStatus.Suspended, given.PolicyOf(MedicalId).StatusOn(ReinstatedOn));
        Assert.Equal(0m, given.PolicyOf(MedicalId).PremiumOn(ReinstatedOn).Balance);
        given.Refused(Reinstate(ReinstatedOn, FirstPremium), ReinstatedOn).Violates("Overpayment", ViolationKind.Rule);
    }

    [Fact]
    public void GivenArrearsPaidWithPayPremiumWhileSuspended_WhenReinstatedWithNothingMore_ThenReinstated()
    {
        var paid = FamilyWithUnpaidMedical.AndThen(new PayPremium(FirstPremium, D(2025, 3, 10)) { PolicyId = MedicalId }, D(2025, 3, 10));
        Assert.Equal(PolicyStatus.Suspended, Household.Fold(paid)!.Policy(MedicalId)!.StatusOn(D(2025, 3, 20)));

        var reinstated = Household.Fold(paid.AndThen(Reinstate(D(2025, 3, 20), 0m), D(2025, 3, 20)))!.Policy(MedicalId)!;

        Assert.Equal(PolicyStatus.Active, reinstated.StatusOn(D(2025, 3, 20)));
        Assert.Equal(0m, reinstated.Payments.Sum(p => p.Amount) - FirstPremium);
    }

    [Fact]
    public void GivenToday_WhenReinstatedTomorrow_ThenDateInFuture()
    {
        FamilyWithUnpaidMedical.Refused(Reinstate(ReinstatedOn, FirstPremium), ReinstatedOn.PlusDays(-1)).Violates("DateInFuture", ViolationKind.Rule);
    }
}

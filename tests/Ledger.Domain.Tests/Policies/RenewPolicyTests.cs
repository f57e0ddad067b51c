using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using NodaTime;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Policies;

/// <summary>
/// Renewal: a new term on the same policy. Continuous (no gap, recorded by the end of the 60-day renewal window) keeps
/// waiting periods served; a gap or a late renewal is a new enrolment with new waiting periods.
/// </summary>
public class RenewPolicyTests
{
    private static readonly LocalDate RenewedOn = D(2025, 12, 15);
    private static readonly LocalDate NextStart = D(2026, 1, 1);
    private static readonly LocalDate NextEnd = D(2026, 12, 31);

    private static RenewPolicy Renew(LocalDate start, LocalDate end, decimal annual = 6000m, params InsuredPerson[] insured) =>
        new RenewPolicy(start, end, annual, insured.Length == 0 ? null : insured) { PolicyId = MedicalId };

    private static object[] GivenRenewedContinuously => FamilyWithPaidMedical.AndThen(Renew(NextStart, NextEnd), RenewedOn);

    [Fact]
    public void GivenPaidPolicy_WhenRenewedForTheNextYearBeforeItEnds_ThenContinuousWithThePremiumSharedInProportion()
    {
        // Last premiums 3,650 and 1,825 (2:1): 6,000 is shared 4,000 and 2,000.
        FamilyWithPaidMedical.Decide(Renew(NextStart, NextEnd), RenewedOn).ThenEvents(
            new PolicyRenewed(MedicalId, NextStart, NextEnd, [new(HolderId, 4000m), new(SpouseId, 2000m)], true, NextStart),
            new PremiumDue(MedicalId, 6000m, "renewal", NextStart));
    }

    [Fact]
    public void GivenPaidPolicy_WhenRenewedFor5000_ThenSharesAreRoundedToCentsAndTheLastTakesTheRemainder()
    {
        var renewed = Assert.IsType<PolicyRenewed>(FamilyWithPaidMedical.Decide(Renew(NextStart, NextEnd, 5000m), RenewedOn)[0]);

        Assert.Equal([new InsuredPerson(HolderId, 3333.33m), new InsuredPerson(SpouseId, 1666.67m)], renewed.Insured);
    }

    [Fact]
    public void GivenPaidPolicy_WhenRenewedWithAPremiumForEachInsured_ThenThoseAreUsed()
    {
        FamilyWithPaidMedical.Decide(Renew(NextStart, NextEnd, 5000m, new(HolderId, 3000m), new(SpouseId, 2000m)), RenewedOn).ThenEvents(
            new PolicyRenewed(MedicalId, NextStart, NextEnd, [new(HolderId, 3000m), new(SpouseId, 2000m)], true, NextStart),
            new PremiumDue(MedicalId, 5000m, "renewal", NextStart));
    }

    [Fact]
    public void GivenContinuousRenewal_WhenIllnessOnTheNewTermsFirstDay_ThenCovered()
    {
        var policy = GivenRenewedContinuously.PolicyOf(MedicalId);

        Assert.True(policy.Covers(HolderId, NextStart, illness: true));
        Assert.True(policy.Covers(SpouseId, NextStart, illness: true));
        Assert.Equal(D(2025, 1, 31), policy.IllnessCoverFrom(policy.CoverOf(HolderId)!, NextStart));
    }

    [Fact]
    public void GivenContinuousRenewal_WhenViewedInTheNewTerm_ThenTheNewTermAndItsPremiumAreShown()
    {
        var view = GivenRenewedContinuously.ViewOf(MedicalId, D(2026, 1, 10));

        Assert.Equal(new TermView(NextStart, NextEnd), view.Term);
        Assert.Equal([new TermView(TermStart, TermEnd), new TermView(NextStart, NextEnd)], view.Terms);
        Assert.Equal(PolicyStatus.InGrace, view.Status);
        Assert.Equal(6000m, view.PremiumBalance);
        Assert.Equal(D(2026, 3, 2), view.GraceEnd);
        Assert.Equal(D(2025, 12, 31), view.PaidThrough);
        // Each term has its own cover (with that term's premium); a continuous one keeps the illness date served.
        Assert.Equal(NextStart, view.CoverOf(HolderId).CoverFrom);
        Assert.Equal(NextEnd, view.CoverOf(HolderId).CoverTo);
        Assert.True(view.CoverOf(HolderId).IllnessCoverFrom < TermEnd);
    }

    [Fact]
    public void GivenNewbornAddedOnDecember10_WhenRenewedContinuously_ThenHerWaitingPeriodRunsOnIntoTheNewTermUnchanged()
    {
        var policy = FamilyWithPaidMedical.Plus(NewbornJoined)
            .AndThen(new AddInsured(NewbornId, D(2025, 12, 10), 3650m) { PolicyId = MedicalId }, D(2025, 12, 10))
            .AndThen(Renew(NextStart, NextEnd), RenewedOn)
            .PolicyOf(MedicalId);

        // 2025-12-10 + 30 days = 2026-01-09, neither restarted (2026-01-31) nor waived by the renewal.
        Assert.True(policy.Covers(NewbornId, NextStart, illness: false));
        Assert.False(policy.Covers(NewbornId, D(2026, 1, 8), illness: true));
        Assert.True(policy.Covers(NewbornId, D(2026, 1, 9), illness: true));
        Assert.Equal(D(2026, 1, 9), policy.IllnessCoverFrom(policy.CoverOf(NewbornId)!, NextStart));
    }

    [Fact]
    public void GivenRenewalRecordedOnTheLastDayOfTheRenewalWindow_ThenContinuous()
    {
        var renewed = Assert.IsType<PolicyRenewed>(FamilyWithPaidMedical.Decide(Renew(NextStart, NextEnd), D(2026, 3, 1))[0]);

        Assert.True(renewed.Continuous);
    }

    [Fact]
    public void GivenRenewalRecordedAfterTheRenewalWindow_ThenNotContinuous()
    {
        var renewed = Assert.IsType<PolicyRenewed>(FamilyWithPaidMedical.Decide(Renew(NextStart, NextEnd), D(2026, 3, 2))[0]);

        Assert.False(renewed.Continuous);
    }

    [Fact]
    public void GivenRenewalRecordedAfterTheRenewalWindow_WhenIllnessOnTheNewTermsFirstDay_ThenNewWaitingPeriod()
    {
        var policy = FamilyWithPaidMedical.AndThen(Renew(NextStart, NextEnd), D(2026, 3, 2)).PolicyOf(MedicalId);

        Assert.False(policy.Covers(HolderId, NextStart, illness: true));
        Assert.True(policy.Covers(HolderId, NextStart, illness: false));
        Assert.False(policy.Covers(HolderId, D(2026, 1, 30), illness: true));
        Assert.True(policy.Covers(HolderId, D(2026, 1, 31), illness: true));
    }

    [Fact]
    public void GivenRenewalWithAOneMonthGap_ThenNotContinuousAndExpiredInTheGap()
    {
        var given = FamilyWithPaidMedical.AndThen(Renew(D(2026, 2, 1), D(2027, 1, 31)), D(2026, 1, 20));
        var policy = given.PolicyOf(MedicalId);

        Assert.False(Assert.IsType<PolicyRenewed>(given[^2]).Continuous);
        Assert.Equal(PolicyStatus.Expired, policy.StatusOn(D(2026, 1, 15)));
        Assert.False(policy.Covers(HolderId, D(2026, 1, 15), illness: false));
    }

    [Fact]
    public void GivenRenewalWithAOneMonthGap_WhenIllnessOnTheNewTermsFirstDay_ThenNewWaitingPeriod()
    {
        var policy = FamilyWithPaidMedical.AndThen(Renew(D(2026, 2, 1), D(2027, 1, 31)), D(2026, 1, 20)).PolicyOf(MedicalId);

        Assert.True(policy.Covers(HolderId, D(2026, 2, 1), illness: false));
        Assert.False(policy.Covers(HolderId, D(2026, 2, 1), illness: true));
        Assert.False(policy.Covers(HolderId, D(2026, 3, 2), illness: true));
        Assert.True(policy.Covers(HolderId, D(2026, 3, 3), illness: true));
    }

    [Fact]
    public void GivenRenewalWithAGap_WhenViewed_ThenTheOldCoverEndsWithTheOldTermAndANewOneStarts()
    {
        var renewed = FamilyWithPaidMedical.AndThen(Renew(D(2026, 2, 1), D(2027, 1, 31)), D(2026, 1, 20));
        // A view shows the covers of the term it is evaluated in.
        var oldTerm = renewed.ViewOf(MedicalId, D(2025, 12, 31)).Insured.Single(i => i.PersonId == HolderId);
        var newTerm = renewed.ViewOf(MedicalId, D(2026, 2, 10)).Insured.Single(i => i.PersonId == HolderId);

        Assert.Equal((TermStart, TermEnd, "renewed"), (oldTerm.CoverFrom, oldTerm.CoverTo, oldTerm.EndCause));
        Assert.Equal((D(2026, 2, 1), D(2026, 3, 3), D(2027, 1, 31)), (newTerm.CoverFrom, newTerm.IllnessCoverFrom, newTerm.CoverTo));
    }

    [Fact]
    public void GivenTermEndsDecember31_WhenRenewalStartsOnDecember31_ThenOverlapsTerm()
    {
        FamilyWithPaidMedical.Refused(Renew(TermEnd, D(2026, 12, 30)), RenewedOn).Violates("OverlapsTerm", ViolationKind.Rule);
    }

    [Fact]
    public void GivenRenewalEndsBeforeItStarts_ThenTermEndsBeforeStart()
    {
        FamilyWithPaidMedical.Refused(Renew(NextStart, NextStart.PlusDays(-1)), RenewedOn).Violates("TermEndsBeforeStart", ViolationKind.Rule);
    }

    [Fact]
    public void GivenTwelveMonthProduct_WhenRenewalLasts366Days_ThenTermTooLong()
    {
        FamilyWithPaidMedical.Refused(Renew(NextStart, D(2027, 1, 1)), RenewedOn).Violates("TermTooLong", ViolationKind.Rule);
    }

    [Fact]
    public void GivenSonNotInsured_WhenTheRenewalSetsHisPremium_ThenNotInsured()
    {
        FamilyWithPaidMedical.Refused(Renew(NextStart, NextEnd, 6000m, new(HolderId, 4000m), new(SonId, 2000m)), RenewedOn)
            .Violates("NotInsured", ViolationKind.NotFound);
    }

    [Fact]
    public void GivenNoRenewal_WhenTheDayAfterTheTerm_ThenExpiredAndNotCovered()
    {
        var policy = FamilyWithPaidMedical.PolicyOf(MedicalId);

        Assert.Equal(PolicyStatus.Active, policy.StatusOn(TermEnd));
        Assert.Equal(PolicyStatus.Expired, policy.StatusOn(TermEnd.PlusDays(1)));
        Assert.False(policy.Covers(HolderId, TermEnd.PlusDays(1), illness: false));
    }

    [Fact]
    public void GivenContinuousRenewal_WhenTheDayAfterTheSecondTerm_ThenExpired()
    {
        var policy = GivenRenewedContinuously.Plus(Paid(MedicalId, 6000m, NextStart)).PolicyOf(MedicalId);

        Assert.Equal(PolicyStatus.Active, policy.StatusOn(NextEnd));
        Assert.Equal(PolicyStatus.Expired, policy.StatusOn(NextEnd.PlusDays(1)));
    }

    [Fact]
    public void GivenContinuousRenewal_WhenTheFirstTermIsViewed_ThenItShowsTheFirstTermsPremiums()
    {
        var view = GivenRenewedContinuously.ViewOf(MedicalId, Today);

        Assert.Equal(FirstPremium, view.AnnualPremium);
        Assert.Equal(HolderPremium, view.CoverOf(HolderId).AnnualPremium);
    }

    [Fact]
    public void GivenRenewalNamingOnlyTheHolder_WhenTheSpouseHasAnAccidentInTheNewTerm_ThenNotCovered()
    {
        var given = FamilyWithPaidMedical.AndThen(Renew(NextStart, NextEnd, 4000m, new InsuredPerson(HolderId, 4000m)), RenewedOn)
            .Plus(Paid(MedicalId, 4000m, NextStart));
        var policy = given.PolicyOf(MedicalId);

        Assert.True(policy.Covers(SpouseId, TermEnd, illness: false));
        Assert.False(policy.Covers(SpouseId, D(2026, 2, 15), illness: false));
    }

    [Fact]
    public void GivenContinuousRenewal_WhenTheSpousesDeathInJuneIsReportedInJanuary_ThenBothTheOldTermsRestAndTheNewPremiumAreRefunded()
    {
        var given = GivenRenewedContinuously.Plus(Paid(MedicalId, 6000m, NextStart));

        var events = given.Decide(new LeaveHousehold(D(2025, 6, 30), LeaveCause.Death) { PersonId = SpouseId }, D(2026, 1, 20));

        var removed = Assert.IsType<InsuredRemoved>(events[1]);
        Assert.Equal(2920.00m, removed.Refund);
    }

    [Fact]
    public void GivenRenewalRecorded_WhenCancelledWithDecember20AsLastDay_ThenTheRenewalPremiumIsRefundedToo()
    {
        var events = GivenRenewedContinuously.Decide(new CancelPolicy(D(2025, 12, 20), "Moving abroad") { PolicyId = MedicalId }, RenewedOn);

        Assert.Equal(6165.00m, Assert.IsType<PolicyCancelled>(Assert.Single(events)).Refund);
    }
}

using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Policies;

/// <summary>The policy as the coverage view shows it on a date: status, term, premium position and each insured's cover.</summary>
public class PolicyViewTests
{
    [Fact]
    public void GivenPaidUpPolicy_WhenViewedMidTerm_ThenActivePaidThroughTheTermEndAndNothingOwed()
    {
        var view = FamilyWithPaidMedical.ViewOf(MedicalId, Today);

        Assert.Equal(PolicyStatus.Active, view.Status);
        Assert.Equal(new TermView(TermStart, TermEnd), view.Term);
        Assert.Equal([new TermView(TermStart, TermEnd)], view.Terms);
        Assert.Equal(TermEnd, view.PaidThrough);
        Assert.Null(view.GraceEnd);
        Assert.Null(view.SuspendedFrom);
        Assert.Equal(0m, view.PremiumBalance);
        Assert.Equal(FirstPremium, view.AnnualPremium);
        Assert.Equal("CNY", view.Currency);
        Assert.Equal(D(2025, 1, 16), view.CoolingOffEnds);
        Assert.Equal(("MED-FAMILY", 1, PolicyCategory.Medical, HolderId), (view.ProductCode, view.ProductVersion, view.Category, view.PolicyholderId));
    }

    [Fact]
    public void GivenPaidUpPolicy_WhenViewedMidTerm_ThenEachInsuredIsCoveredFromTheTermStartAndForIllnessAfter30Days()
    {
        var view = FamilyWithPaidMedical.ViewOf(MedicalId, Today);

        Assert.Equal(
            [
                new InsuredView(HolderId, HolderPremium, TermStart, D(2025, 1, 31), TermEnd, null, true, true, []),
                new InsuredView(SpouseId, SpousePremium, TermStart, D(2025, 1, 31), TermEnd, null, true, true, []),
            ],
            view.Insured);
    }

    [Fact]
    public void GivenPaidUpPolicy_WhenViewedOnDay30OfTheTerm_ThenCoveredButNotYetForIllness()
    {
        var holder = FamilyWithPaidMedical.ViewOf(MedicalId, D(2025, 1, 30)).CoverOf(HolderId);

        Assert.True(holder.Covered);
        Assert.False(holder.IllnessCovered);
    }

    [Fact]
    public void GivenFirstPremiumUnpaid_WhenViewedOnFebruary15_ThenInGraceNotPaidAtAllAndTheWholePremiumOwed()
    {
        var view = FamilyWithUnpaidMedical.ViewOf(MedicalId, D(2025, 2, 15));

        Assert.Equal(PolicyStatus.InGrace, view.Status);
        Assert.Null(view.PaidThrough);
        Assert.Equal(D(2025, 3, 2), view.GraceEnd);
        Assert.Null(view.SuspendedFrom);
        Assert.Equal(FirstPremium, view.PremiumBalance);
        Assert.True(view.CoverOf(HolderId).Covered);
        Assert.True(view.CoverOf(HolderId).IllnessCovered);
    }

    [Fact]
    public void GivenFirstPremiumUnpaid_WhenViewedOnApril10_ThenSuspendedAndNobodyCovered()
    {
        var view = FamilyWithUnpaidMedical.ViewOf(MedicalId, D(2025, 4, 10));

        Assert.Equal(PolicyStatus.Suspended, view.Status);
        Assert.Equal(D(2025, 3, 3), view.SuspendedFrom);
        Assert.Equal(D(2025, 3, 2), view.GraceEnd);
        Assert.Equal(FirstPremium, view.PremiumBalance);
        Assert.All(view.Insured, i => Assert.False(i.Covered));
        Assert.All(view.Insured, i => Assert.False(i.IllnessCovered));
        Assert.All(view.Insured, i => Assert.Equal(TermEnd, i.CoverTo));
    }

    [Fact]
    public void GivenNewbornsPremiumUnpaid_WhenViewedOnApril1_ThenPaidThroughTheDayBeforeItWasDueAndInGraceUntilMay19()
    {
        var view = FamilyWithPaidMedical.Plus(NewbornJoined)
            .AndThen(new AddInsured(NewbornId, D(2025, 3, 20), 3650m) { PolicyId = MedicalId }, D(2025, 3, 20))
            .ViewOf(MedicalId, D(2025, 4, 1));

        Assert.Equal(PolicyStatus.InGrace, view.Status);
        Assert.Equal(D(2025, 3, 19), view.PaidThrough);
        Assert.Equal(D(2025, 5, 19), view.GraceEnd);
        Assert.Equal(2870m, view.PremiumBalance);
        Assert.Equal(
            new InsuredView(NewbornId, 3650m, D(2025, 3, 20), D(2025, 4, 19), TermEnd, null, true, false, []),
            view.CoverOf(NewbornId));
    }

    [Fact]
    public void GivenTermStartsNextMonth_WhenViewedToday_ThenPendingWithItsTermAndNothingDueYet()
    {
        var view = Family.AndThen(IssueMedical() with { TermStart = D(2025, 7, 1), TermEnd = D(2026, 6, 30) }, Today).ViewOf(MedicalId, Today);

        Assert.Equal(PolicyStatus.Pending, view.Status);
        Assert.Equal(new TermView(D(2025, 7, 1), D(2026, 6, 30)), view.Term);
        Assert.Equal(0m, view.PremiumBalance);
        Assert.Null(view.PaidThrough);
        Assert.Null(view.GraceEnd);
        Assert.All(view.Insured, i => Assert.False(i.Covered));
        Assert.All(view.Insured, i => Assert.Equal(D(2025, 7, 31), i.IllnessCoverFrom));
    }

    [Fact]
    public void GivenNoRenewal_WhenViewedAfterTheTerm_ThenExpiredWithTheLastTerm()
    {
        var view = FamilyWithPaidMedical.ViewOf(MedicalId, D(2026, 2, 1));

        Assert.Equal(PolicyStatus.Expired, view.Status);
        Assert.Equal(new TermView(TermStart, TermEnd), view.Term);
        Assert.All(view.Insured, i => Assert.False(i.Covered));
    }

    [Fact]
    public void GivenTwoPolicies_WhenTheHouseholdIsViewed_ThenBothAreListedInIssueOrder()
    {
        var view = CoverageView.Of(FamilyWithPaidMedical.Plus(CriticalIllnessPaid).State(), Today, null);

        Assert.Equal([MedicalId, CriticalIllnessId], view.Policies.Select(p => p.PolicyId));
        Assert.Equal(D(2025, 4, 1), Assert.Single(view.Policies, p => p.PolicyId == CriticalIllnessId).CoverOf(SpouseId).IllnessCoverFrom);
        Assert.Empty(view.Applications);
    }
}

using Ledger.Domain.Policies;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Policies;

/// <summary>
/// DOMAIN.md worked example 3: premium due 2025-01-01, unpaid: grace through 2025-03-02 (60 days, 保险法 §36),
/// suspended (中止) from 2025-03-03; a loss in grace is covered (paid minus the unpaid premium), a loss while
/// suspended is not.
/// </summary>
public class LapseTests
{
    private static Policy Unpaid => FamilyWithUnpaidMedical.PolicyOf(MedicalId);

    [Fact]
    public void GivenFirstPremiumUnpaid_WhenOnFebruary15_ThenInGraceUntilMarch2WithTheWholePremiumOwed()
    {
        var policy = Unpaid;

        Assert.Equal(PolicyStatus.InGrace, policy.StatusOn(D(2025, 2, 15)));
        var premium = policy.PremiumOn(D(2025, 2, 15));
        Assert.Equal(FirstPremium, premium.Balance);
        Assert.Equal(TermStart, premium.OverdueSince);
        Assert.Equal(D(2025, 3, 2), premium.GraceEnds);
        Assert.Null(premium.SuspendedFrom);
        Assert.Null(premium.PaidThrough);
    }

    [Fact]
    public void GivenFirstPremiumUnpaid_WhenOnTheDueDate_ThenActive_AndInGraceFromTheNextDay()
    {
        Assert.Equal(PolicyStatus.Active, Unpaid.StatusOn(TermStart));
        Assert.Equal(PolicyStatus.InGrace, Unpaid.StatusOn(TermStart.PlusDays(1)));
    }

    [Fact]
    public void GivenFirstPremiumUnpaid_WhenLossInGrace_ThenCovered()
    {
        Assert.True(Unpaid.Covers(HolderId, D(2025, 2, 15), illness: true));
        Assert.True(Unpaid.Covers(HolderId, D(2025, 2, 15), illness: false));
    }

    [Fact]
    public void GivenFirstPremiumUnpaid_WhenOnTheLastDayOfGrace_ThenStillInGraceAndCovered()
    {
        Assert.Equal(PolicyStatus.InGrace, Unpaid.StatusOn(D(2025, 3, 2)));
        Assert.True(Unpaid.Covers(HolderId, D(2025, 3, 2), illness: false));
    }

    [Fact]
    public void GivenFirstPremiumUnpaid_WhenTheDayAfterGrace_ThenSuspendedFromMarch3()
    {
        var policy = Unpaid;

        Assert.Equal(PolicyStatus.Suspended, policy.StatusOn(D(2025, 3, 3)));
        var premium = policy.PremiumOn(D(2025, 3, 3));
        Assert.Equal(D(2025, 3, 3), premium.SuspendedFrom);
        Assert.Equal(D(2025, 3, 2), premium.GraceEnds);
        Assert.Equal(FirstPremium, premium.Balance);
    }

    [Fact]
    public void GivenFirstPremiumUnpaid_WhenLossOnApril10_ThenSuspendedAndNotCovered()
    {
        var policy = Unpaid;

        Assert.Equal(PolicyStatus.Suspended, policy.StatusOn(D(2025, 4, 10)));
        Assert.Equal(D(2025, 3, 3), policy.PremiumOn(D(2025, 4, 10)).SuspendedFrom);
        Assert.False(policy.Covers(HolderId, D(2025, 4, 10), illness: true));
        Assert.False(policy.Covers(HolderId, D(2025, 4, 10), illness: false));
        Assert.False(policy.Covers(SpouseId, D(2025, 4, 10), illness: false));
    }

    [Fact]
    public void GivenFirstPremiumPaidInGrace_WhenLossOnApril10_ThenActiveAndCovered()
    {
        var policy = FamilyWithUnpaidMedical.Plus(Paid(MedicalId, FirstPremium, D(2025, 2, 15), TermStart)).PolicyOf(MedicalId);

        Assert.Equal(PolicyStatus.Active, policy.StatusOn(D(2025, 4, 10)));
        Assert.Equal(0m, policy.PremiumOn(D(2025, 4, 10)).Balance);
        Assert.True(policy.Covers(HolderId, D(2025, 4, 10), illness: true));
    }

    [Fact]
    public void GivenFirstPremiumPaidOnTheLastDayOfGrace_WhenOnMarch3_ThenActive()
    {
        var policy = FamilyWithUnpaidMedical.Plus(Paid(MedicalId, FirstPremium, D(2025, 3, 2))).PolicyOf(MedicalId);

        Assert.Equal(PolicyStatus.Active, policy.StatusOn(D(2025, 3, 3)));
    }

    [Fact]
    public void GivenFirstPremiumPaidTheDayAfterGrace_WhenOnApril10_ThenStillSuspended()
    {
        // Paying late is not reinstatement: only ReinstatePolicy ends a suspension.
        var policy = FamilyWithUnpaidMedical.Plus(Paid(MedicalId, FirstPremium, D(2025, 3, 3))).PolicyOf(MedicalId);

        Assert.Equal(PolicyStatus.Suspended, policy.StatusOn(D(2025, 4, 10)));
    }

    [Fact]
    public void GivenPartOfTheFirstPremiumPaidInGrace_WhenTheDayAfterGrace_ThenSuspendedWithTheRestOwed()
    {
        var policy = FamilyWithUnpaidMedical.Plus(Paid(MedicalId, 5000m, D(2025, 2, 1))).PolicyOf(MedicalId);

        Assert.Equal(PolicyStatus.InGrace, policy.StatusOn(D(2025, 2, 15)));
        Assert.Equal(475m, policy.PremiumOn(D(2025, 2, 15)).Balance);
        Assert.Equal(PolicyStatus.Suspended, policy.StatusOn(D(2025, 3, 3)));
    }
}

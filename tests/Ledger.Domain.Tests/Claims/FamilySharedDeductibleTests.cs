using Ledger.Domain.Claims;
using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using NodaTime;
using static Ledger.Domain.Tests.Claims.ClaimGiven;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Claims;

/// <summary>
/// DOMAIN.md worked example 2: a family shared deductible of ¥10,000 on MED-FAMILY (coinsurance 1). Mother claims
/// 5,000 (loss 2025-02-10), child 5,000 (loss 2025-03-05), father 2,000 (loss 2025-03-20), each reported two days later.
/// Illness losses, all after the 30-day waiting period (illness is covered from 2025-01-31).
/// </summary>
public class FamilySharedDeductibleTests
{
    private static readonly LocalDate MotherLoss = D(2025, 2, 10);
    private static readonly LocalDate ChildLoss = D(2025, 3, 5);
    private static readonly LocalDate FatherLoss = D(2025, 3, 20);

    private static object[] AfterMother => FamilyMedical().AndThen(Loss(1, MotherId, MotherLoss, LossCause.Illness, 5_000m), MotherLoss.PlusDays(2));
    private static object[] AfterChild => AfterMother.AndThen(Loss(2, ChildId, ChildLoss, LossCause.Illness, 5_000m), ChildLoss.PlusDays(2));
    private static object[] AfterFather => AfterChild.AndThen(Loss(3, FatherId, FatherLoss, LossCause.Illness, 2_000m), FatherLoss.PlusDays(2));

    [Fact]
    public void MothersClaimOf5000_IsApprovedWithBenefit0_TheWholeAmountGoingToTheFamilyDeductible()
    {
        var events = FamilyMedical().Decide(Loss(1, MotherId, MotherLoss, LossCause.Illness, 5_000m), D(2025, 2, 12));

        Assert.Equal(2, events.Count);
        Assert.Equal(
            new ClaimSubmitted(ClaimNo(1), MedicalId, PolicyCategory.Medical, MotherId, MotherLoss, LossCause.Illness, 5_000m, null, D(2025, 2, 12), MotherLoss),
            events[0]);
        var adjudicated = Assert.IsType<ClaimAdjudicated>(events[1]);
        Assert.Equal((ClaimNo(1), D(2025, 2, 12)), (adjudicated.ClaimId, adjudicated.EffectiveDate));
        adjudicated.Adjudication.Is(Approved(eligible: 5_000m, deductible: 5_000m, benefit: 0m, payable: 0m,
            before: Zero, after: new Counters(5_000m, 5_000m, 0m, 0m, false),
            personLimitLeft: 2_000_000m, familyLimitLeft: 4_000_000m));
    }

    [Fact]
    public void ChildsClaimOf5000_TakesTheRemaining5000OfTheFamilyDeductible_Benefit0()
    {
        AfterMother.Decide(Loss(2, ChildId, ChildLoss, LossCause.Illness, 5_000m), D(2025, 3, 7)).AdjudicationIn().Is(
            Approved(eligible: 5_000m, deductible: 5_000m, benefit: 0m, payable: 0m,
                before: new Counters(0m, 5_000m, 0m, 0m, false), after: new Counters(5_000m, 10_000m, 0m, 0m, false),
                personLimitLeft: 2_000_000m, familyLimitLeft: 4_000_000m));
    }

    [Fact]
    public void FathersClaimOf2000_FindsTheFamilyDeductibleUsedUp_AndIsPaid2000()
    {
        AfterChild.Decide(Loss(3, FatherId, FatherLoss, LossCause.Illness, 2_000m), D(2025, 3, 22)).AdjudicationIn().Is(
            Approved(eligible: 2_000m, deductible: 0m, benefit: 2_000m, payable: 2_000m,
                before: new Counters(0m, 10_000m, 0m, 0m, false), after: new Counters(0m, 10_000m, 2_000m, 2_000m, false),
                personLimitLeft: 1_998_000m, familyLimitLeft: 3_998_000m));
    }

    [Fact]
    public void AfterTheThreeClaims_TheClaimsShowStatusAndPayable_AndNothingWasReadjudicated()
    {
        var all = AfterFather;

        Assert.DoesNotContain(all, e => e is ClaimReadjudicated);
        Assert.Equal(
            [(ClaimStatus.Approved, 5_000m, 0m), (ClaimStatus.Approved, 5_000m, 0m), (ClaimStatus.Approved, 0m, 2_000m)],
            new[] { 1, 2, 3 }.Select(n => all.ClaimViewOf(n, Today)).Select(c => (c.Status, c.DeductibleApplied, c.Payable)));
    }

    [Fact]
    public void TheViewOn20250228_BetweenTheFirstTwoLosses_Shows5000OfTheFamilyDeductibleRemaining()
    {
        var counters = AfterFather.ViewOf(MedicalId, D(2025, 2, 28)).Counters;

        Assert.Equal(new TermView(TermStart, TermEnd), counters.Term);
        Assert.Equal(new Allowance(10_000m, 5_000m, 5_000m), counters.FamilyDeductible);
        Assert.Equal(new Allowance(4_000_000m, 0m, 4_000_000m), counters.FamilyLimit);
    }

    [Fact]
    public void TheViewOn20250310_AfterTheChildsLoss_ShowsTheFamilyDeductibleUsedUp()
    {
        Assert.Equal(new Allowance(10_000m, 10_000m, 0m), AfterFather.ViewOf(MedicalId, D(2025, 3, 10)).Counters.FamilyDeductible);
    }

    [Fact]
    public void TheViewAfterAllThreeLosses_ShowsNothingRemainingOfTheDeductible_And2000OfTheLimitsUsed()
    {
        var counters = AfterFather.ViewOf(MedicalId, D(2025, 3, 31)).Counters;

        Assert.Equal(new Allowance(10_000m, 10_000m, 0m), counters.FamilyDeductible);
        Assert.Equal(new Allowance(4_000_000m, 2_000m, 3_998_000m), counters.FamilyLimit);
        Assert.Equal(
            [
                new PersonCounters(FatherId, new Allowance(null, 0m, null), new Allowance(2_000_000m, 2_000m, 1_998_000m)),
                new PersonCounters(MotherId, new Allowance(null, 5_000m, null), new Allowance(2_000_000m, 0m, 2_000_000m)),
                new PersonCounters(ChildId, new Allowance(null, 5_000m, null), new Allowance(2_000_000m, 0m, 2_000_000m)),
            ],
            counters.Persons);
    }

    [Fact]
    public void TheViewBeforeAnyLoss_ShowsTheWholeFamilyDeductible()
    {
        Assert.Equal(new Allowance(10_000m, 0m, 10_000m), AfterFather.ViewOf(MedicalId, D(2025, 2, 9)).Counters.FamilyDeductible);
    }

    // ---------- the next term ----------

    private static readonly LocalDate NextStart = D(2026, 1, 1);
    private static readonly LocalDate NextEnd = D(2026, 12, 31);

    /// <summary>Renewed continuously (recorded 2025-12-01) for 6,205, paid on 2026-01-01.</summary>
    private static object[] Renewed =>
        AfterFather
            .AndThen(new RenewPolicy(NextStart, NextEnd, FamilyPremium) { PolicyId = MedicalId }, D(2025, 12, 1))
            .AndThen(new PayPremium(FamilyPremium, NextStart) { PolicyId = MedicalId }, NextStart);

    [Fact]
    public void RenewingThePolicy_ReadjudicatesNothing()
    {
        var events = AfterFather.Decide(new RenewPolicy(NextStart, NextEnd, FamilyPremium) { PolicyId = MedicalId }, D(2025, 12, 1));

        Assert.Equal([typeof(PolicyRenewed), typeof(PremiumDue)], events.Select(e => e.GetType()));
    }

    [Fact]
    public void AClaimInTheRenewedTerm_StartsFromAFreshFamilyDeductible()
    {
        Renewed.Decide(Loss(4, FatherId, D(2026, 2, 1), LossCause.Illness, 3_000m), D(2026, 2, 15)).AdjudicationIn().Is(
            Approved(eligible: 3_000m, deductible: 3_000m, benefit: 0m, payable: 0m,
                before: Zero, after: new Counters(3_000m, 3_000m, 0m, 0m, false),
                personLimitLeft: 2_000_000m, familyLimitLeft: 4_000_000m, term: NextStart));
    }

    [Fact]
    public void TheViewInTheRenewedTerm_CountsOnlyThatTermsClaims_WhileTheOldTermKeepsItsCounters()
    {
        var all = Renewed.AndThen(Loss(4, FatherId, D(2026, 2, 1), LossCause.Illness, 3_000m), D(2026, 2, 15));

        var next = all.ViewOf(MedicalId, D(2026, 2, 28)).Counters;
        Assert.Equal(new TermView(NextStart, NextEnd), next.Term);
        Assert.Equal(new Allowance(10_000m, 3_000m, 7_000m), next.FamilyDeductible);
        Assert.Equal(new Allowance(4_000_000m, 0m, 4_000_000m), next.FamilyLimit);

        var old = all.ViewOf(MedicalId, D(2025, 12, 31)).Counters;
        Assert.Equal(new TermView(TermStart, TermEnd), old.Term);
        Assert.Equal(new Allowance(10_000m, 10_000m, 0m), old.FamilyDeductible);
        Assert.Equal(new Allowance(4_000_000m, 2_000m, 3_998_000m), old.FamilyLimit);
    }
}

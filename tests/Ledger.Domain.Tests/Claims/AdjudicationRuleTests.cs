using Ledger.Domain.Claims;
using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using static Ledger.Domain.Tests.Claims.ClaimGiven;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Claims;

/// <summary>
/// One specification per adjudication rule, in the order the rules apply: insured at all → policy in force on the loss
/// date → person covered on the loss date → exclusions → waiting period → deductible → coinsurance → limits → unpaid
/// premium in grace. Today is 2025-06-15 unless a test says otherwise.
/// </summary>
public class AdjudicationRuleTests
{
    // ---------- insured at all ----------

    [Fact]
    public void APersonTheMedicalPolicyDoesNotInsure_IsRejectedNotInsured()
    {
        // FamilyWithPaidMedical insures father and mother, not the son.
        var adjudication = FamilyWithPaidMedical.Decide(Loss(1, SonId, D(2025, 5, 1), LossCause.Accident, 3_000m)).AdjudicationIn();

        adjudication.Is(RejectedEarly(RejectionCodes.NotInsured, 3_000m));
        Assert.Contains("not insured by this policy", adjudication.Explanation);
    }

    [Fact]
    public void ARejectedClaimIsRecordedAsAdjudicated_NotRefused()
    {
        var events = FamilyWithPaidMedical.Decide(Loss(1, SonId, D(2025, 5, 1), LossCause.Accident, 3_000m));

        Assert.Equal([typeof(ClaimSubmitted), typeof(ClaimAdjudicated)], events.Select(e => e.GetType()));
    }

    // ---------- policy status on the loss date ----------

    [Fact]
    public void WorkedExample3_ALossInGrace_IsPaidMinusTheUnpaidPremium()
    {
        // Premium 5,475 due 2025-01-01, unpaid; grace through 2025-03-02. 30,000 − 10,000 deductible = 20,000 benefit − 5,475 = 14,525.
        FamilyWithUnpaidMedical.Decide(Loss(1, HolderId, D(2025, 2, 15), LossCause.Illness, 30_000m)).AdjudicationIn().Is(
            Approved(eligible: 30_000m, deductible: 10_000m, benefit: 20_000m, unpaid: 5_475m, payable: 14_525m,
                before: Zero, after: new Counters(10_000m, 10_000m, 20_000m, 20_000m, false),
                personLimitLeft: 1_980_000m, familyLimitLeft: 3_980_000m));
    }

    [Fact]
    public void ALossOnTheLastDayOfGrace_IsStillCoveredMinusTheUnpaidPremium()
    {
        var adjudication = FamilyWithUnpaidMedical.Decide(Loss(1, HolderId, D(2025, 3, 2), LossCause.Accident, 30_000m)).AdjudicationIn();

        Assert.Equal((ClaimOutcome.Approved, 5_475m, 14_525m), (adjudication.Outcome, adjudication.UnpaidPremiumDeducted, adjudication.Payable));
        Assert.Contains("premium unpaid in the grace period", adjudication.Explanation);
    }

    [Fact]
    public void ALossInGraceSmallerThanTheUnpaidPremium_IsApprovedWithPayable0_TheBenefitStillCounting()
    {
        // 12,000 − 10,000 = 2,000 benefit, all of it deducted towards the 5,475 owed: nothing is payable, 3,475 stays owed.
        FamilyWithUnpaidMedical.Decide(Loss(1, HolderId, D(2025, 2, 15), LossCause.Accident, 12_000m)).AdjudicationIn().Is(
            Approved(eligible: 12_000m, deductible: 10_000m, benefit: 2_000m, unpaid: 2_000m, payable: 0m,
                before: Zero, after: new Counters(10_000m, 10_000m, 2_000m, 2_000m, false),
                personLimitLeft: 1_998_000m, familyLimitLeft: 3_998_000m));
    }

    [Fact]
    public void WorkedExample3_ALossWhileSuspended_IsRejectedNoCoverage()
    {
        var adjudication = FamilyWithUnpaidMedical.Decide(Loss(1, HolderId, D(2025, 4, 10), LossCause.Illness, 30_000m)).AdjudicationIn();

        adjudication.Is(RejectedEarly(RejectionCodes.NoCoverage, 30_000m));
        Assert.Contains("suspended", adjudication.Explanation);
    }

    [Fact]
    public void ALossOnTheFirstDayOfSuspension_IsRejectedNoCoverage()
    {
        FamilyWithUnpaidMedical.Decide(Loss(1, HolderId, D(2025, 3, 3), LossCause.Accident, 30_000m)).AdjudicationIn()
            .Is(RejectedEarly(RejectionCodes.NoCoverage, 30_000m));
    }

    [Fact]
    public void ALossBeforeThePolicyStarts_IsRejectedNoCoverage()
    {
        var adjudication = FamilyWithPaidMedical.Decide(Loss(1, HolderId, D(2024, 12, 31), LossCause.Accident, 30_000m)).AdjudicationIn();

        adjudication.Is(RejectedEarly(RejectionCodes.NoCoverage, 30_000m));
        Assert.Contains("pending", adjudication.Explanation);
    }

    [Fact]
    public void ALossAfterTheLastCoveredDayOfACancelledPolicy_IsRejectedNoCoverage_ALossBeforeItIsCovered()
    {
        var cancelled = FamilyWithPaidMedical.AndThen(new CancelPolicy(D(2025, 4, 30), "moving abroad") { PolicyId = MedicalId });

        cancelled.Decide(Loss(1, HolderId, D(2025, 5, 1), LossCause.Accident, 12_000m)).AdjudicationIn()
            .Is(RejectedEarly(RejectionCodes.NoCoverage, 12_000m));
        Assert.Equal(2_000m, cancelled.Decide(Loss(1, HolderId, D(2025, 4, 30), LossCause.Accident, 12_000m)).AdjudicationIn().Payable);
    }

    // ---------- covered on the loss date, not the report date ----------

    /// <summary>The son is added to the medical policy from 2025-04-01 (3,650 a year: 2,750 for the 275 days, paid).</summary>
    private static object[] SonAddedOnApril1 =>
        FamilyWithPaidMedical
            .AndThen(new AddInsured(SonId, D(2025, 4, 1), HolderPremium) { PolicyId = MedicalId }, D(2025, 4, 1))
            .AndThen(new PayPremium(2_750m, D(2025, 4, 1)) { PolicyId = MedicalId }, D(2025, 4, 1));

    [Fact]
    public void ALossBeforeThePersonWasCovered_ReportedWhileCovered_IsRejectedNotInsured()
    {
        var adjudication = SonAddedOnApril1.Decide(Loss(1, SonId, D(2025, 3, 15), LossCause.Accident, 12_000m)).AdjudicationIn();

        adjudication.Is(RejectedEarly(RejectionCodes.NotInsured, 12_000m));
        Assert.Contains("2025-03-15", adjudication.Explanation);
    }

    [Fact]
    public void ALossOnTheDayThePersonsCoverStarts_IsCovered()
    {
        SonAddedOnApril1.Decide(Loss(1, SonId, D(2025, 4, 1), LossCause.Accident, 12_000m)).AdjudicationIn().Is(
            Approved(eligible: 12_000m, deductible: 10_000m, benefit: 2_000m, payable: 2_000m,
                before: Zero, after: new Counters(10_000m, 10_000m, 2_000m, 2_000m, false),
                personLimitLeft: 1_998_000m, familyLimitLeft: 3_998_000m));
    }

    [Fact]
    public void ALossWhileCovered_ReportedAfterTheCoverEnded_IsCovered()
    {
        var removed = FamilyWithPaidMedical.AndThen(new RemoveInsured(D(2025, 5, 31), "moved out") { PolicyId = MedicalId, PersonId = SpouseId });

        Assert.Equal(2_000m, removed.Decide(Loss(1, SpouseId, D(2025, 5, 10), LossCause.Accident, 12_000m)).AdjudicationIn().Payable);
        removed.Decide(Loss(1, SpouseId, D(2025, 6, 1), LossCause.Accident, 12_000m)).AdjudicationIn()
            .Is(RejectedEarly(RejectionCodes.NotInsured, 12_000m));
    }

    // ---------- exclusions ----------

    [Fact]
    public void AnAccidentOnCriticalIllnessCover_IsExcluded()
    {
        var adjudication = Family.Plus(CriticalIllnessPaid)
            .Decide(Loss(1, HolderId, D(2025, 5, 1), LossCause.Accident, 80_000m, CriticalIllnessId)).AdjudicationIn();

        adjudication.Is(RejectedEarly(RejectionCodes.Excluded, 80_000m));
        Assert.Contains("accident", adjudication.Explanation);
    }

    [Fact]
    public void AnIllnessOnMedicalAccidentCover_IsExcluded()
    {
        MedicalAccidentCover().Decide(Loss(1, FatherId, D(2025, 5, 1), LossCause.Illness, 10_000m, MedicalAccidentId)).AdjudicationIn()
            .Is(RejectedEarly(RejectionCodes.Excluded, 10_000m, coinsurance: 0.9m));
    }

    [Fact]
    public void TheExclusionIsJudgedBeforeTheWaitingPeriod()
    {
        // MA-CARE issued with a 30-day waiting period: an illness on day 5 is excluded, not "waiting period".
        MedicalAccidentCover(waitingPeriodDays: 30).Decide(Loss(1, FatherId, D(2025, 1, 5), LossCause.Illness, 10_000m, MedicalAccidentId))
            .AdjudicationIn().Is(RejectedEarly(RejectionCodes.Excluded, 10_000m, coinsurance: 0.9m));
    }

    // ---------- waiting period: illness only ----------

    [Fact]
    public void AnIllnessOnDay30OfTheFirstTerm_IsRejectedWaitingPeriod()
    {
        var adjudication = FamilyWithPaidMedical.Decide(Loss(1, HolderId, D(2025, 1, 30), LossCause.Illness, 12_000m)).AdjudicationIn();

        adjudication.Is(RejectedEarly(RejectionCodes.WaitingPeriod, 12_000m));
        Assert.Contains("2025-01-31", adjudication.Explanation);
    }

    [Fact]
    public void AnIllnessOnTheFirstDayAfterTheWaitingPeriod_IsCovered()
    {
        Assert.Equal(2_000m, FamilyWithPaidMedical.Decide(Loss(1, HolderId, D(2025, 1, 31), LossCause.Illness, 12_000m)).AdjudicationIn().Payable);
    }

    [Fact]
    public void AnAccidentInsideTheWaitingPeriod_IsCovered()
    {
        FamilyWithPaidMedical.Decide(Loss(1, HolderId, D(2025, 1, 5), LossCause.Accident, 12_000m)).AdjudicationIn().Is(
            Approved(eligible: 12_000m, deductible: 10_000m, benefit: 2_000m, payable: 2_000m,
                before: Zero, after: new Counters(10_000m, 10_000m, 2_000m, 2_000m, false),
                personLimitLeft: 1_998_000m, familyLimitLeft: 3_998_000m));
    }

    [Fact]
    public void AMemberAddedMidTerm_ServesTheirOwnWaitingPeriod()
    {
        // Worked example 1 pattern: added 2025-04-01, illness covered from 2025-05-01.
        Assert.Equal(RejectionCodes.WaitingPeriod,
            SonAddedOnApril1.Decide(Loss(1, SonId, D(2025, 4, 30), LossCause.Illness, 12_000m)).AdjudicationIn().RejectionCode);
        Assert.Equal(2_000m, SonAddedOnApril1.Decide(Loss(1, SonId, D(2025, 5, 1), LossCause.Illness, 12_000m)).AdjudicationIn().Payable);
    }

    // ---------- deductible and coinsurance: MA-CARE, person deductible 500, coinsurance 0.9 ----------

    [Fact]
    public void MedicalAccident_10000_Minus500Deductible_Times09_Pays8550()
    {
        MedicalAccidentCover().Decide(Loss(1, FatherId, D(2025, 3, 1), LossCause.Accident, 10_000m, MedicalAccidentId)).AdjudicationIn().Is(
            Approved(eligible: 10_000m, deductible: 500m, coinsurance: 0.9m, benefit: 8_550m, payable: 8_550m,
                before: Zero, after: new Counters(500m, 500m, 8_550m, 8_550m, false),
                personLimitLeft: 191_450m, familyLimitLeft: null));
    }

    [Fact]
    public void MedicalAccident_APersonsSecondClaim_HasNoDeductibleLeft_AndAnotherPersonHasTheirOwn_RoundedHalfAwayFromZero()
    {
        var given = MedicalAccidentCover().AndThen(Loss(1, FatherId, D(2025, 3, 1), LossCause.Accident, 10_000m, MedicalAccidentId));

        given.Decide(Loss(2, FatherId, D(2025, 4, 1), LossCause.Accident, 1_000m, MedicalAccidentId)).AdjudicationIn().Is(
            Approved(eligible: 1_000m, deductible: 0m, coinsurance: 0.9m, benefit: 900m, payable: 900m,
                before: new Counters(500m, 500m, 8_550m, 8_550m, false), after: new Counters(500m, 500m, 9_450m, 9_450m, false),
                personLimitLeft: 190_550m, familyLimitLeft: null));

        // (1,000.55 − 500) × 0.9 = 450.495 → 450.50
        given.Decide(Loss(2, MotherId, D(2025, 4, 1), LossCause.Accident, 1_000.55m, MedicalAccidentId)).AdjudicationIn().Is(
            Approved(eligible: 1_000.55m, deductible: 500m, coinsurance: 0.9m, benefit: 450.50m, payable: 450.50m,
                before: new Counters(0m, 500m, 0m, 8_550m, false), after: new Counters(500m, 1_000m, 450.50m, 9_000.50m, false),
                personLimitLeft: 199_549.50m, familyLimitLeft: null));
    }

    [Fact]
    public void MedicalAccident_AClaimBelowTheDeductible_IsApprovedWithNothingPayable()
    {
        MedicalAccidentCover().Decide(Loss(1, FatherId, D(2025, 3, 1), LossCause.Accident, 300m, MedicalAccidentId)).AdjudicationIn().Is(
            Approved(eligible: 300m, deductible: 300m, coinsurance: 0.9m, benefit: 0m, payable: 0m,
                before: Zero, after: new Counters(300m, 300m, 0m, 0m, false),
                personLimitLeft: 200_000m, familyLimitLeft: null));
    }

    // ---------- limits ----------

    [Fact]
    public void APersonLimitOf20000_CapsTheBenefit()
    {
        // 40,000 − 10,000 deductible = 30,000, capped at the person limit of 20,000.
        FamilyMedical(personLimit: 20_000m).Decide(Loss(1, MotherId, D(2025, 2, 10), LossCause.Accident, 40_000m)).AdjudicationIn().Is(
            Approved(eligible: 40_000m, deductible: 10_000m, benefit: 20_000m, payable: 20_000m,
                before: Zero, after: new Counters(10_000m, 10_000m, 20_000m, 20_000m, false),
                personLimitLeft: 0m, familyLimitLeft: 3_980_000m));
    }

    [Fact]
    public void AfterThePersonLimitIsUsedUp_TheNextClaimIsRejectedLimitExhausted_WhileAnotherPersonIsStillPaid()
    {
        var given = FamilyMedical(personLimit: 20_000m).AndThen(Loss(1, MotherId, D(2025, 2, 10), LossCause.Accident, 40_000m));
        var usedUp = new Counters(10_000m, 10_000m, 20_000m, 20_000m, false);

        given.Decide(Loss(2, MotherId, D(2025, 3, 5), LossCause.Accident, 5_000m)).AdjudicationIn()
            .Is(RejectedInTerm(RejectionCodes.LimitExhausted, 5_000m, usedUp));

        given.Decide(Loss(2, FatherId, D(2025, 3, 5), LossCause.Accident, 5_000m)).AdjudicationIn().Is(
            Approved(eligible: 5_000m, deductible: 0m, benefit: 5_000m, payable: 5_000m,
                before: new Counters(0m, 10_000m, 0m, 20_000m, false), after: new Counters(0m, 10_000m, 5_000m, 25_000m, false),
                personLimitLeft: 15_000m, familyLimitLeft: 3_975_000m));
    }

    [Fact]
    public void TheFamilyLimitOf4000000_CapsTheBenefit_AndThenExhausts()
    {
        // Referral threshold raised so the rules decide on their own.
        SubmitClaim Big(int n, Guid person, decimal amount) =>
            Loss(n, person, D(2025, 2, 10).PlusDays(n), LossCause.Accident, amount) with { ReferralThreshold = 10_000_000m };
        var given = FamilyMedical()
            .AndThen(Big(1, FatherId, 2_010_000m))   // 2,010,000 − 10,000 = 2,000,000: the father's whole person limit
            .AndThen(Big(2, MotherId, 1_500_000m));  // family limit left: 500,000

        var first = given.ClaimIn(1).Adjudication!;
        Assert.Equal(2_000_000m, first.Payable);
        Assert.Equal(0m, first.PersonLimitRemaining);
        Assert.Equal(2_000_000m, first.FamilyLimitRemaining);
        var capped = given.AndThen(Big(3, ChildId, 800_000m));
        capped.ClaimIn(3).Adjudication!.Is(
            Approved(eligible: 800_000m, deductible: 0m, benefit: 500_000m, payable: 500_000m,
                before: new Counters(0m, 10_000m, 0m, 3_500_000m, false), after: new Counters(0m, 10_000m, 500_000m, 4_000_000m, false),
                personLimitLeft: 1_500_000m, familyLimitLeft: 0m, threshold: 10_000_000m));

        Assert.Equal(RejectionCodes.LimitExhausted, capped.Decide(Big(4, ChildId, 1_000m)).AdjudicationIn().RejectionCode);
        Assert.Equal(new Allowance(4_000_000m, 4_000_000m, 0m), capped.ViewOf(MedicalId, D(2025, 3, 1)).Counters.FamilyLimit);
    }

    // ---------- the referral threshold ----------

    [Fact]
    public void APayableOfExactly50000_IsApprovedByTheRules()
    {
        var adjudication = FamilyMedical().Decide(Loss(1, MotherId, D(2025, 2, 10), LossCause.Accident, 60_000m)).AdjudicationIn();

        Assert.Equal((ClaimOutcome.Approved, true, 50_000m), (adjudication.Outcome, adjudication.Automated, adjudication.Payable));
    }

    [Fact]
    public void APayableOneCentAbove50000_IsReferredToAPerson_ConsumingNoCounters()
    {
        var events = FamilyMedical().Decide(Loss(1, MotherId, D(2025, 2, 10), LossCause.Accident, 60_000.01m));

        Assert.IsType<ClaimReferred>(events[1]);
        events.AdjudicationIn().Is(
            Referred(eligible: 60_000.01m, deductible: 10_000m, benefit: 50_000.01m, payable: 50_000.01m, before: Zero,
                personLimitLeft: 2_000_000m, familyLimitLeft: 4_000_000m));
        Assert.Contains("referral threshold", events.AdjudicationIn().Explanation);
    }
}

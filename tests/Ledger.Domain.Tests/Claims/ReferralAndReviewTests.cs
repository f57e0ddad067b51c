using Ledger.Domain.Claims;
using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using static Ledger.Domain.Tests.Claims.ClaimGiven;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Claims;

/// <summary>
/// Claims the rules do not decide alone: payable above the referral threshold (50,000), critical illness (the sum
/// insured of 300,000 is always above it) and motor. A referral consumes no deductible or limit until a person
/// approves it; approval and rejection are recorded as <see cref="ClaimReviewed"/> (not automated).
/// </summary>
public class ReferralAndReviewTests
{
    // ---------- medical: above the referral threshold ----------

    /// <summary>Mother's accident of 80,000 (payable 70,000, referred); then father's 3,000 on 2025-03-01.</summary>
    private static object[] MotherReferredThenFather =>
        FamilyMedical()
            .AndThen(Loss(1, MotherId, D(2025, 2, 10), LossCause.Accident, 80_000m), D(2025, 2, 12))
            .AndThen(Loss(2, FatherId, D(2025, 3, 1), LossCause.Accident, 3_000m), D(2025, 3, 2));

    [Fact]
    public void APayableOf70000_IsReferred_WithWhatTheRulesWouldPay()
    {
        var events = FamilyMedical().Decide(Loss(1, MotherId, D(2025, 2, 10), LossCause.Accident, 80_000m), D(2025, 2, 12));

        var referred = Assert.IsType<ClaimReferred>(events[1]);
        Assert.Equal((ClaimNo(1), D(2025, 2, 12)), (referred.ClaimId, referred.EffectiveDate));
        referred.Adjudication.Is(Referred(eligible: 80_000m, deductible: 10_000m, benefit: 70_000m, payable: 70_000m, before: Zero,
            personLimitLeft: 2_000_000m, familyLimitLeft: 4_000_000m));
        Assert.Equal(ClaimStatus.Referred, FamilyMedical().Plus(events).ClaimIn(1).Status);
    }

    [Fact]
    public void AReferredClaim_ConsumesNoDeductible_SoALaterClaimStillMeetsTheWholeFamilyDeductible()
    {
        var given = MotherReferredThenFather;

        given.ClaimIn(2).Adjudication!.Is(
            Approved(eligible: 3_000m, deductible: 3_000m, benefit: 0m, payable: 0m,
                before: Zero, after: new Counters(3_000m, 3_000m, 0m, 0m, false),
                personLimitLeft: 2_000_000m, familyLimitLeft: 4_000_000m));
        Assert.Equal(new Allowance(10_000m, 0m, 10_000m), given.ViewOf(MedicalId, D(2025, 2, 28)).Counters.FamilyDeductible);
        Assert.Equal(ClaimStatus.Referred, given.ClaimViewOf(1, Today).Status);
    }

    [Fact]
    public void ApprovingTheReferredClaim_RecordsTheReviewedAdjudication_AndTheLaterClaimGetsTheDeductibleBack()
    {
        // The mother's claim comes first in adjudication order: once approved it takes the family deductible (10,000),
        // so the father's 3,000 is now paid in full: a top-up of 3,000.
        var events = MotherReferredThenFather.Decide(Approve(1, 65_000m, "invoices checked"));

        Assert.Equal(2, events.Count);
        var reviewed = Assert.IsType<ClaimReviewed>(events[0]);
        Assert.Equal((ClaimNo(1), ReviewDecision.Approve, 65_000m, "invoices checked", Today),
            (reviewed.ClaimId, reviewed.Decision, reviewed.Amount, reviewed.Reason, reviewed.EffectiveDate));
        reviewed.Adjudication.Is(
            Approved(eligible: 80_000m, deductible: 10_000m, benefit: 65_000m, payable: 65_000m,
                before: Zero, after: new Counters(10_000m, 10_000m, 65_000m, 65_000m, false),
                personLimitLeft: 1_935_000m, familyLimitLeft: 3_935_000m, automated: false));

        events[1].IsReadjudication(2, ClaimOutcome.Approved, previousPayable: 0m,
            Approved(eligible: 3_000m, deductible: 0m, benefit: 3_000m, payable: 3_000m,
                before: new Counters(0m, 10_000m, 0m, 65_000m, false), after: new Counters(0m, 10_000m, 3_000m, 68_000m, false),
                personLimitLeft: 1_997_000m, familyLimitLeft: 3_932_000m),
            delta: 3_000m, recoveryDue: 0m, topUpDue: 3_000m, on: Today);
    }

    [Fact]
    public void AfterApproval_TheClaimIsApprovedAndPayable_AndNothingIsLeftToReadjudicate()
    {
        var all = MotherReferredThenFather.AndThen(Approve(1, 65_000m));

        Assert.Equal((ClaimStatus.Approved, 65_000m), (all.ClaimViewOf(1, Today).Status, all.ClaimViewOf(1, Today).Payable));
        Assert.Empty(ClaimEngine.Readjudicate(all.State(), Today));
        all.Decide(Pay(1, 65_000m, Today)).ThenEvents(new ClaimPaid(ClaimNo(1), 65_000m, Today));
    }

    [Fact]
    public void TheAssessorWhoRecordedAReferredClaim_MayNotDecideIt_AnotherAssessorMay()
    {
        var given = FamilyMedical()
            .AndThen(Loss(1, MotherId, D(2025, 2, 10), LossCause.Accident, 80_000m) with { Submitter = "assessor.zhou" }, D(2025, 2, 12));

        given.Refused(Approve(1, 65_000m) with { Reviewer = "assessor.zhou" }).Violates("FourEyes", ViolationKind.Conflict);
        given.Refused(RejectOnReview(1) with { Reviewer = "assessor.zhou" }).Violates("FourEyes", ViolationKind.Conflict);
        var reviewed = Assert.IsType<ClaimReviewed>(given.Decide(Approve(1, 65_000m) with { Reviewer = "assessor.sun" })[0]);
        Assert.Equal("assessor.sun", reviewed.Reviewer);
    }

    [Fact]
    public void ApprovingMoreThanTheRulesWouldPay_PaysWhatTheRulesAllow()
    {
        // The rules allow 70,000 (80,000 − 10,000); the reviewer may approve up to the eligible 80,000, but not pay above
        // the rules. The event keeps the amount the person decided; the adjudication what it means under the rules.
        var reviewed = Assert.IsType<ClaimReviewed>(MotherReferredThenFather.Decide(Approve(1, 80_000m))[0]);

        Assert.Equal((80_000m, 70_000m, 70_000m), (reviewed.Amount, reviewed.Adjudication.Benefit, reviewed.Adjudication.Payable));
    }

    [Fact]
    public void RejectingTheReferredClaim_RecordsARejectionByAPerson_AndChangesNoOtherClaim()
    {
        var events = MotherReferredThenFather.Decide(RejectOnReview(1, "treatment not medically necessary"));

        var reviewed = Assert.IsType<ClaimReviewed>(Assert.Single(events));
        Assert.Equal((ReviewDecision.Reject, 0m), (reviewed.Decision, reviewed.Amount));
        reviewed.Adjudication.Is(RejectedInTerm(RejectionCodes.Excluded, 80_000m, Zero, automated: false));
        Assert.Contains("treatment not medically necessary", reviewed.Adjudication.Explanation);
        Assert.Equal(ClaimStatus.Rejected, MotherReferredThenFather.Plus(events).ClaimViewOf(1, Today).Status);
    }

    [Fact]
    public void AReviewMustGiveTheAmountToApprove()
    {
        Assert.Equal(["amount"], new ReviewClaim(ReviewDecision.Approve, "ok").ErrorFields());
        Assert.Equal(["reason"], new ReviewClaim(ReviewDecision.Reject, " ").ErrorFields());
        Assert.Empty(new ReviewClaim(ReviewDecision.Approve, "ok", 0m).ErrorFields());
    }

    // ---------- critical illness: a fixed benefit, once per person ----------

    private static object[] CriticalIllness => Family.Plus(CriticalIllnessPaid);

    [Fact]
    public void ACriticalIllnessDiagnosis_IsReferred_ForTheSumInsuredWhateverTheAmountClaimed()
    {
        var events = CriticalIllness.Decide(Loss(1, HolderId, D(2025, 5, 1), LossCause.Illness, 80_000m, CriticalIllnessId));

        Assert.IsType<ClaimReferred>(events[1]);
        // The engine records the person's remaining sum insured as 0 even while the claim only waits for review.
        events.AdjudicationIn().Is(Referred(eligible: 300_000m, deductible: 0m, benefit: 300_000m, payable: 300_000m, before: Zero,
            personLimitLeft: 0m, familyLimitLeft: null));
    }

    [Fact]
    public void ACriticalIllnessInThe90DayWaitingPeriod_IsRejectedWaitingPeriod()
    {
        CriticalIllness.Decide(Loss(1, HolderId, D(2025, 3, 31), LossCause.Illness, 80_000m, CriticalIllnessId)).AdjudicationIn()
            .Is(RejectedEarly(RejectionCodes.WaitingPeriod, 80_000m));
    }

    [Fact]
    public void ApprovingACriticalIllnessClaim_PaysTheSumInsuredOnce_WithNoDeductible()
    {
        var referred = CriticalIllness.AndThen(Loss(1, HolderId, D(2025, 5, 1), LossCause.Illness, 80_000m, CriticalIllnessId));

        var reviewed = Assert.IsType<ClaimReviewed>(Assert.Single(referred.Decide(Approve(1, 300_000m, "diagnosis confirmed"))));
        Assert.Equal(300_000m, reviewed.Amount);
        reviewed.Adjudication.Is(
            Approved(eligible: 300_000m, deductible: 0m, benefit: 300_000m, payable: 300_000m,
                before: Zero, after: new Counters(0m, 0m, 300_000m, 300_000m, true),
                personLimitLeft: 0m, familyLimitLeft: null, automated: false));
    }

    [Fact]
    public void ASecondCriticalIllnessClaimOfTheSamePerson_IsRejectedLimitExhausted_AnotherPersonIsStillCovered()
    {
        var paidOnce = CriticalIllness
            .AndThen(Loss(1, HolderId, D(2025, 5, 1), LossCause.Illness, 80_000m, CriticalIllnessId))
            .AndThen(Approve(1, 300_000m, "diagnosis confirmed"));

        paidOnce.Decide(Loss(2, HolderId, D(2025, 6, 1), LossCause.Illness, 50_000m, CriticalIllnessId)).AdjudicationIn()
            .Is(RejectedInTerm(RejectionCodes.LimitExhausted, 50_000m, new Counters(0m, 0m, 300_000m, 300_000m, true)));

        paidOnce.Decide(Loss(2, SpouseId, D(2025, 4, 1), LossCause.Illness, 50_000m, CriticalIllnessId)).AdjudicationIn()
            .Is(Referred(eligible: 300_000m, deductible: 0m, benefit: 300_000m, payable: 300_000m,
                before: new Counters(0m, 0m, 0m, 300_000m, false), personLimitLeft: 0m, familyLimitLeft: null));

        Assert.Equal(new Allowance(300_000m, 300_000m, 0m),
            Assert.Single(paidOnce.ViewOf(CriticalIllnessId, D(2025, 6, 1)).Counters.Persons, p => p.PersonId == HolderId).Limit);
    }

    [Fact]
    public void ACriticalIllnessBelowARaisedThreshold_IsApprovedByTheRules()
    {
        var events = CriticalIllness.Decide(
            Loss(1, HolderId, D(2025, 5, 1), LossCause.Illness, 80_000m, CriticalIllnessId) with { ReferralThreshold = 1_000_000m });

        Assert.IsType<ClaimAdjudicated>(events[1]);
        events.AdjudicationIn().Is(
            Approved(eligible: 300_000m, deductible: 0m, benefit: 300_000m, payable: 300_000m,
                before: Zero, after: new Counters(0m, 0m, 300_000m, 300_000m, true),
                personLimitLeft: 0m, familyLimitLeft: null, threshold: 1_000_000m));
    }

    [Fact]
    public void APaidCriticalIllnessBenefit_DoesNotTouchTheMedicalFamilyDeductible()
    {
        var given = FamilyWithPaidMedical.Plus(CriticalIllnessPaid)
            .AndThen(Loss(1, HolderId, D(2025, 5, 1), LossCause.Illness, 80_000m, CriticalIllnessId))
            .AndThen(Approve(1, 300_000m, "diagnosis confirmed"));

        Assert.Equal(new Allowance(10_000m, 0m, 10_000m), given.ViewOf(MedicalId, D(2025, 5, 31)).Counters.FamilyDeductible);
        given.Decide(Loss(2, HolderId, D(2025, 5, 10), LossCause.Illness, 4_000m)).AdjudicationIn().Is(
            Approved(eligible: 4_000m, deductible: 4_000m, benefit: 0m, payable: 0m,
                before: Zero, after: new Counters(4_000m, 4_000m, 0m, 0m, false),
                personLimitLeft: 2_000_000m, familyLimitLeft: 4_000_000m));
    }

    /// <summary>The father's sum insured paid in 2025; the policy renewed continuously for 2026 (2,190, paid 2026-01-01).</summary>
    private static object[] CriticalIllnessPaidThenRenewed =>
        CriticalIllness
            .AndThen(Loss(1, HolderId, D(2025, 5, 1), LossCause.Illness, 80_000m, CriticalIllnessId))
            .AndThen(Approve(1, 300_000m, "diagnosis confirmed"))
            .AndThen(new RenewPolicy(D(2026, 1, 1), D(2026, 12, 31), 2_190m) { PolicyId = CriticalIllnessId }, D(2025, 12, 1))
            .AndThen(new PayPremium(2_190m, D(2026, 1, 1)) { PolicyId = CriticalIllnessId }, D(2026, 1, 1));

    [Fact]
    public void TheSumInsuredIsPaidOncePerPersonOverTheLifeOfThePolicy_NotOncePerTerm()
    {
        CriticalIllnessPaidThenRenewed
            .Decide(Loss(2, HolderId, D(2026, 3, 1), LossCause.Illness, 80_000m, CriticalIllnessId), D(2026, 3, 5)).AdjudicationIn()
            .Is(RejectedInTerm(RejectionCodes.LimitExhausted, 80_000m, new Counters(0m, 0m, 0m, 0m, true), term: D(2026, 1, 1)));

        CriticalIllnessPaidThenRenewed
            .Decide(Loss(2, SpouseId, D(2026, 3, 1), LossCause.Illness, 80_000m, CriticalIllnessId), D(2026, 3, 5)).AdjudicationIn()
            .Is(Referred(eligible: 300_000m, deductible: 0m, benefit: 300_000m, payable: 300_000m, before: Zero,
                personLimitLeft: 0m, familyLimitLeft: null, term: D(2026, 1, 1)));
    }

    [Fact]
    public void InTheRenewedTerm_TheViewShowsNoSumInsuredLeftForAPersonAlreadyPaid()
    {
        var persons = CriticalIllnessPaidThenRenewed.ViewOf(CriticalIllnessId, D(2026, 3, 31)).Counters.Persons;

        Assert.Equal(new Allowance(300_000m, 0m, 300_000m), Assert.Single(persons, p => p.PersonId == SpouseId).Limit);
        Assert.Equal(0m, Assert.Single(persons, p => p.PersonId == HolderId).Limit.Remaining);
    }

    /// <summary>CI-CLASSIC issued with no waiting period and its premium of 2,190 never paid: in grace until 2025-03-02.</summary>
    private static object[] CriticalIllnessUnpaid =>
        Family.Plus(
            new UnderwritingDecided(CriticalIllnessId, UnderwritingOutcome.Accepted, true, [], null, IssuedOn),
            new PolicyIssued(CriticalIllnessId, PolicyCategory.CriticalIllness, "CI-CLASSIC", 1, HolderId, TermStart, TermEnd,
                [new(HolderId, 1460m), new(SpouseId, 730m)], [], CriticalIllnessConditions with { WaitingPeriodDays = 0 }, TermStart),
            new PremiumDue(CriticalIllnessId, 2190m, "firstTerm", TermStart));

    [Fact]
    public void ACriticalIllnessInGrace_IsReferredForTheSumInsuredMinusTheUnpaidPremium()
    {
        CriticalIllnessUnpaid.Decide(Loss(1, HolderId, D(2025, 2, 15), LossCause.Illness, 80_000m, CriticalIllnessId)).AdjudicationIn()
            .Is(Referred(eligible: 300_000m, deductible: 0m, benefit: 300_000m, unpaid: 2_190m, payable: 297_810m, before: Zero,
                personLimitLeft: 0m, familyLimitLeft: null));
    }

    [Fact]
    public void ApprovingACriticalIllnessInGrace_PaysTheSumInsuredMinusTheUnpaidPremiumOnce()
    {
        var referred = CriticalIllnessUnpaid.AndThen(Loss(1, HolderId, D(2025, 2, 15), LossCause.Illness, 80_000m, CriticalIllnessId));

        var events = referred.Decide(Approve(1, 300_000m, "diagnosis confirmed"));

        // Once, not twice: the ClaimReviewed is not followed by a re-adjudication deducting the 2,190 again.
        var reviewed = Assert.IsType<ClaimReviewed>(Assert.Single(events));
        Assert.Equal(300_000m, reviewed.Amount);
        reviewed.Adjudication.Is(
            Approved(eligible: 300_000m, deductible: 0m, benefit: 300_000m, unpaid: 2_190m, payable: 297_810m,
                before: Zero, after: new Counters(0m, 0m, 300_000m, 300_000m, true),
                personLimitLeft: 0m, familyLimitLeft: null, automated: false));
    }

    // ---------- motor: always assessed by a person ----------

    /// <summary>MOTOR-FAMILY (family deductible 1,000, family limit 1,000,000) for the sedan, naming the father as insured too.</summary>
    private static object[] MotorNamingTheFather =>
        Family.Plus(
            new UnderwritingDecided(MotorId, UnderwritingOutcome.Accepted, true, [], null, IssuedOn),
            new PolicyIssued(MotorId, PolicyCategory.Motor, "MOTOR-FAMILY", 1, HolderId, TermStart, TermEnd,
                [new(HolderId, 365m)], [Sedan], MotorConditions, TermStart),
            new PremiumDue(MotorId, 4_015m, "firstTerm", TermStart),
            Paid(MotorId, 4_015m, TermStart, TermStart));

    [Fact]
    public void AMotorLoss_IsReferredWhateverItsAmount_ConsumingNothing()
    {
        var events = MotorNamingTheFather.Decide(Loss(1, HolderId, D(2025, 4, 1), LossCause.Accident, 8_000m, MotorId));

        Assert.IsType<ClaimReferred>(events[1]);
        var adjudication = events.AdjudicationIn();
        adjudication.Is(Referred(eligible: 8_000m, deductible: 0m, benefit: 0m, payable: 0m, before: Zero,
            personLimitLeft: null, familyLimitLeft: null));
        Assert.Contains("assessed by a person", adjudication.Explanation);
    }

    [Fact]
    public void ApprovingAMotorLoss_AppliesTheFamilyDeductibleAndLimit()
    {
        var referred = MotorNamingTheFather.AndThen(Loss(1, HolderId, D(2025, 4, 1), LossCause.Accident, 8_000m, MotorId));

        var reviewed = Assert.IsType<ClaimReviewed>(Assert.Single(referred.Decide(Approve(1, 8_000m, "repair invoice checked"))));
        Assert.Equal(8_000m, reviewed.Amount); // as decided; the 1,000 deductible leaves 7,000 payable
        Assert.Equal(ClaimStatus.Approved, referred.AndThen(Approve(1, 8_000m)).ClaimIn(1).Status);
        reviewed.Adjudication.Is(
            Approved(eligible: 8_000m, deductible: 1_000m, benefit: 7_000m, payable: 7_000m,
                before: Zero, after: new Counters(1_000m, 1_000m, 7_000m, 7_000m, false),
                personLimitLeft: null, familyLimitLeft: 993_000m, automated: false));
    }

    [Fact]
    public void AMotorLossOnAVehiclesOnlyPolicy_ClaimedByThePolicyholder_IsReferred()
    {
        var events = Family.Plus(MotorPaid(Sedan)).Decide(Loss(1, HolderId, D(2025, 4, 1), LossCause.Accident, 8_000m, MotorId));

        Assert.IsType<ClaimReferred>(events[1]);
        Assert.Equal(ClaimOutcome.Referred, events.AdjudicationIn().Outcome);
    }
}

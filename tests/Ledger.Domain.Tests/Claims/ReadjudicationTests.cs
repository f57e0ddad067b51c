using Ledger.Domain.Claims;
using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using NodaTime;
using static Ledger.Domain.Tests.Claims.ClaimGiven;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Claims;

/// <summary>
/// A later fact changes an earlier adjudication: the same Decide that records the fact appends
/// <see cref="ClaimReadjudicated"/> with the new adjudication, the delta, and a recovery or top-up.
/// </summary>
public class ReadjudicationTests
{
    // ---------- a backdated death ----------

    private static readonly LocalDate MotherLoss = D(2025, 4, 10);

    /// <summary>Mother's accident of 15,000 on 2025-04-10 (payable 5,000 after the family deductible), paid on 2025-04-30.</summary>
    private static object[] MothersClaimPaid =>
        FamilyWithPaidMedical
            .AndThen(Loss(1, SpouseId, MotherLoss, LossCause.Accident, 15_000m), D(2025, 4, 20))
            .AndThen(Pay(1, 5_000m, D(2025, 4, 30)), D(2025, 4, 30));

    [Fact]
    public void GivenTheClaimWasApprovedAndPaid_ItIsPaid()
    {
        var claim = MothersClaimPaid.ClaimViewOf(1, Today);

        Assert.Equal((ClaimStatus.Paid, ClaimOutcome.Approved, 5_000m, 5_000m, 0m), (claim.Status, claim.Outcome, claim.Payable, claim.Paid, claim.RecoveryDue));
    }

    [Fact]
    public void ADeathBeforeTheLoss_ReportedLate_TurnsThePaidClaimIntoARecovery()
    {
        var events = MothersClaimPaid.Decide(new LeaveHousehold(D(2025, 4, 1), LeaveCause.Death) { PersonId = SpouseId }, Today);

        Assert.Equal(3, events.Count);
        Assert.Equal(new MemberLeft(SpouseId, LeaveCause.Death, D(2025, 4, 1)), events[0]);
        // Unearned 2025-04-02..2025-12-31: 274 days × 5 = 1,370.
        Assert.Equal(new InsuredRemoved(MedicalId, SpouseId, "memberLeft:death", 1_370m, D(2025, 4, 1)), events[1]);
        events[2].IsReadjudication(1, ClaimOutcome.Approved, previousPayable: 5_000m,
            RejectedEarly(RejectionCodes.NotInsured, 15_000m),
            delta: -5_000m, recoveryDue: 5_000m, topUpDue: 0m, on: Today);
    }

    [Fact]
    public void AfterTheRecovery_TheViewShowsTheClaimRejectedWithTheRecoveryDue_AndNothingMoreToReadjudicate()
    {
        var all = MothersClaimPaid.AndThen(new LeaveHousehold(D(2025, 4, 1), LeaveCause.Death) { PersonId = SpouseId }, Today);

        var claim = all.ClaimViewOf(1, Today);
        Assert.Equal((ClaimStatus.Rejected, ClaimOutcome.Rejected, RejectionCodes.NotInsured, 0m, 5_000m, 5_000m),
            (claim.Status, claim.Outcome, claim.RejectionCode, claim.Payable, claim.Paid, claim.RecoveryDue));
        Assert.Empty(ClaimEngine.Readjudicate(all.State(), Today));
        Assert.Equal(new Allowance(10_000m, 0m, 10_000m), all.ViewOf(MedicalId, Today).Counters.FamilyDeductible);
    }

    [Fact]
    public void ADeathAfterTheLoss_LeavesTheClaimAsItWas()
    {
        var events = MothersClaimPaid.Decide(new LeaveHousehold(D(2025, 4, 15), LeaveCause.Death) { PersonId = SpouseId }, Today);

        Assert.Equal([typeof(MemberLeft), typeof(InsuredRemoved)], events.Select(e => e.GetType()));
    }

    [Fact]
    public void ACancellationBackdatedBeforeTheLoss_TurnsThePaidClaimIntoARecovery_NoCoverage()
    {
        var events = MothersClaimPaid.Decide(new CancelPolicy(D(2025, 3, 31), "policyholder surrendered in March") { PolicyId = MedicalId }, Today);

        Assert.Equal(2, events.Count);
        Assert.IsType<PolicyCancelled>(events[0]);
        events[1].IsReadjudication(1, ClaimOutcome.Approved, previousPayable: 5_000m,
            RejectedEarly(RejectionCodes.NoCoverage, 15_000m),
            delta: -5_000m, recoveryDue: 5_000m, topUpDue: 0m, on: Today);
    }

    // ---------- a premium payment recorded late ----------

    [Fact]
    public void APremiumPaymentRecordedLateButDatedBeforeTheLoss_RemovesTheGraceDeduction_ATopUp()
    {
        // Loss in grace on 2025-02-15: 20,000 benefit − 5,475 unpaid = 14,525. The bank then shows the premium was paid on 2025-02-01.
        var given = FamilyWithUnpaidMedical.AndThen(Loss(1, HolderId, D(2025, 2, 15), LossCause.Accident, 30_000m), D(2025, 2, 20));
        Assert.Equal(14_525m, given.ClaimIn(1).Payable);

        var events = given.Decide(new PayPremium(FirstPremium, D(2025, 2, 1)) { PolicyId = MedicalId }, Today);

        Assert.Equal(2, events.Count);
        Assert.Equal(new PremiumPaid(MedicalId, FirstPremium, null, D(2025, 2, 1)), events[0]);
        events[1].IsReadjudication(1, ClaimOutcome.Approved, previousPayable: 14_525m,
            Approved(eligible: 30_000m, deductible: 10_000m, benefit: 20_000m, payable: 20_000m,
                before: Zero, after: new Counters(10_000m, 10_000m, 20_000m, 20_000m, false),
                personLimitLeft: 1_980_000m, familyLimitLeft: 3_980_000m),
            delta: 5_475m, recoveryDue: 0m, topUpDue: 20_000m, on: Today);
    }

    // ---------- withdrawing an earlier claim ----------

    /// <summary>Mother 5,000 on 2025-02-10 (all deductible); father 8,000 on 2025-03-20 (5,000 deductible left, payable 3,000).</summary>
    private static object[] MotherThenFather =>
        FamilyMedical()
            .AndThen(Loss(1, MotherId, D(2025, 2, 10), LossCause.Illness, 5_000m), D(2025, 2, 12))
            .AndThen(Loss(2, FatherId, D(2025, 3, 20), LossCause.Illness, 8_000m), D(2025, 3, 22));

    [Fact]
    public void GivenMotherThenFather_TheFatherIsPaid3000()
    {
        Assert.Equal((5_000m, 3_000m), (MotherThenFather.ClaimIn(2).Adjudication!.DeductibleApplied, MotherThenFather.ClaimIn(2).Payable));
    }

    [Fact]
    public void WithdrawingTheEarlierClaim_FreesItsDeductible_WhichTheLaterClaimNowMeets_ANegativeDelta()
    {
        // The family deductible the mother's claim used (5,000) is free again; the father's 8,000 now meets all of it.
        var events = MotherThenFather.Decide(Withdraw(1), Today);

        Assert.Equal(2, events.Count);
        Assert.Equal(new ClaimWithdrawn(ClaimNo(1), "filed by mistake", Today), events[0]);
        events[1].IsReadjudication(2, ClaimOutcome.Approved, previousPayable: 3_000m,
            Approved(eligible: 8_000m, deductible: 8_000m, benefit: 0m, payable: 0m,
                before: Zero, after: new Counters(8_000m, 8_000m, 0m, 0m, false),
                personLimitLeft: 2_000_000m, familyLimitLeft: 4_000_000m),
            delta: -3_000m, recoveryDue: 0m, topUpDue: 0m, on: Today);
    }

    [Fact]
    public void WithdrawingTheEarlierClaim_AfterTheLaterWasPaid_AsksForTheRecovery()
    {
        var events = MotherThenFather.AndThen(Pay(2, 3_000m, D(2025, 4, 1))).Decide(Withdraw(1), Today);

        events[1].IsReadjudication(2, ClaimOutcome.Approved, previousPayable: 3_000m,
            Approved(eligible: 8_000m, deductible: 8_000m, benefit: 0m, payable: 0m,
                before: Zero, after: new Counters(8_000m, 8_000m, 0m, 0m, false),
                personLimitLeft: 2_000_000m, familyLimitLeft: 4_000_000m),
            delta: -3_000m, recoveryDue: 3_000m, topUpDue: 0m, on: Today);
    }

    /// <summary>Person limit 20,000: mother's 40,000 (payable 20,000, her limit used up); her 25,000 a month later is rejected.</summary>
    private static object[] MotherAtHerLimit =>
        FamilyMedical(personLimit: 20_000m)
            .AndThen(Loss(1, MotherId, D(2025, 2, 10), LossCause.Accident, 40_000m), D(2025, 2, 12))
            .AndThen(Loss(2, MotherId, D(2025, 3, 5), LossCause.Accident, 25_000m), D(2025, 3, 7));

    [Fact]
    public void WithdrawingTheEarlierClaim_FreesTheLimitAndDeductibleItUsed_TheLaterClaimIsToppedUp()
    {
        Assert.Equal(RejectionCodes.LimitExhausted, MotherAtHerLimit.ClaimIn(2).Adjudication!.RejectionCode);

        var events = MotherAtHerLimit.Decide(Withdraw(1, "paid by the other insurer"), Today);

        Assert.Equal(2, events.Count);
        Assert.Equal(new ClaimWithdrawn(ClaimNo(1), "paid by the other insurer", Today), events[0]);
        events[1].IsReadjudication(2, ClaimOutcome.Rejected, previousPayable: 0m,
            Approved(eligible: 25_000m, deductible: 10_000m, benefit: 15_000m, payable: 15_000m,
                before: Zero, after: new Counters(10_000m, 10_000m, 15_000m, 15_000m, false),
                personLimitLeft: 5_000m, familyLimitLeft: 3_985_000m),
            delta: 15_000m, recoveryDue: 0m, topUpDue: 15_000m, on: Today);
    }

    [Fact]
    public void AWithdrawnClaim_NoLongerCountsInTheView()
    {
        var all = MotherThenFather.AndThen(Withdraw(1), Today);

        Assert.Equal(ClaimStatus.Withdrawn, all.ClaimViewOf(1, Today).Status);
        Assert.Equal(new Allowance(10_000m, 8_000m, 2_000m), all.ViewOf(MedicalId, Today).Counters.FamilyDeductible);
        Assert.Empty(ClaimEngine.Readjudicate(all.State(), Today));
    }

    [Fact]
    public void ACommandThatChangesNoClaim_AppendsNoReadjudication()
    {
        var events = MotherThenFather.Decide(new JoinMember("陈小宝", NewbornBorn, Relationship.Child, NewbornBorn) { PersonId = NewbornId }, Today);

        Assert.Equal([typeof(MemberJoined)], events.Select(e => e.GetType()));
    }

    /// <summary>
    /// Person limit 60,000. Mother's 50,000 (payable 40,000) uses most of it; her 70,000 a month later is capped at the
    /// 20,000 left and paid. Withdrawing the first frees 40,000 of limit: the second would now pay 60,000.
    /// </summary>
    private static object[] SecondClaimPaidAtTheLimit =>
        FamilyMedical(personLimit: 60_000m)
            .AndThen(Loss(1, MotherId, D(2025, 2, 10), LossCause.Accident, 50_000m), D(2025, 2, 12))
            .AndThen(Loss(2, MotherId, D(2025, 3, 5), LossCause.Accident, 70_000m), D(2025, 3, 7))
            .AndThen(Pay(2, 20_000m, D(2025, 3, 10)), D(2025, 3, 10));

    [Fact]
    public void GivenTheSecondClaimWasCappedAtTheLimitLeft_ItWasApprovedByTheRulesAndPaid20000()
    {
        var claim = SecondClaimPaidAtTheLimit.ClaimViewOf(2, Today);

        Assert.Equal((ClaimStatus.Paid, 20_000m, 20_000m), (claim.Status, claim.Payable, claim.Paid));
    }

    /// <remarks>Referral is decided once, when the claim arrives: a later fact never sends an approved claim back to a person.</remarks>
    [Fact]
    public void ARereadjudicationAboveTheReferralThreshold_NeverDemandsBackWhatWasRightlyPaid()
    {
        var events = SecondClaimPaidAtTheLimit.Decide(Withdraw(1), Today);

        Assert.Equal(2, events.Count);
        events[1].IsReadjudication(2, ClaimOutcome.Approved, previousPayable: 20_000m,
            Approved(eligible: 70_000m, deductible: 10_000m, benefit: 60_000m, payable: 60_000m,
                before: Zero, after: new Counters(10_000m, 10_000m, 60_000m, 60_000m, false),
                personLimitLeft: 0m, familyLimitLeft: 3_940_000m),
            delta: 40_000m, recoveryDue: 0m, topUpDue: 40_000m, on: Today);
        var claim = SecondClaimPaidAtTheLimit.Plus(events).ClaimViewOf(2, Today);
        Assert.Equal((ClaimStatus.Approved, 60_000m, 20_000m, 0m), (claim.Status, claim.Payable, claim.Paid, claim.RecoveryDue));
    }
}

using Ledger.Domain.Claims;
using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using static Ledger.Domain.Tests.Claims.ClaimGiven;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Claims;

/// <summary>
/// 保险法 §36: a loss in grace is paid minus the premium owed, and that deduction pays the premium. It is deducted once,
/// settles the charge on the day the claim was reported (no suspension for it), a later payment of the same charge is a
/// credit, and a re-adjudication takes the deduction with it. Worked example C: MA-CARE for the mother alone, 1,200 due
/// 2025-01-01 and not paid, in grace 2025-01-02..2025-03-02 (person deductible 500, coinsurance 0.9, limit 200,000).
/// </summary>
public class GraceDeductionTests
{
    private const decimal Premium = 1_200m;

    private static object[] MotherUnpaid =>
        Family.AndThen(new IssuePolicy(PolicyCategory.MedicalAccident, "MA-CARE", HolderId, TermStart, TermEnd, [new(MotherId, Premium)])
            { PolicyId = MedicalAccidentId }, IssuedOn);

    private static SubmitClaim Accident(int n, int month, int day, decimal amount) =>
        Loss(n, MotherId, D(2025, month, day), LossCause.Accident, amount, MedicalAccidentId);

    /// <summary>C1: a loss on 2025-02-15 of 5,500, reported 2025-02-20: 4,500 benefit − 1,200 premium = 3,300.</summary>
    private static object[] FirstClaim => MotherUnpaid.AndThen(Accident(1, 2, 15, 5_500m), D(2025, 2, 20));

    /// <summary>C1, then a second loss in the same grace period on 2025-02-25 of 2,000, reported 2025-02-26.</summary>
    private static object[] TwoClaims => FirstClaim.AndThen(Accident(2, 2, 25, 2_000m), D(2025, 2, 26));

    private static readonly Counters AfterFirst = new(500m, 500m, 4_500m, 4_500m, false);

    private static PolicyView Policy(object[] events, int month, int day) => events.ViewOf(MedicalAccidentId, D(2025, month, day));

    [Fact]
    public void TheFirstClaimInGrace_DeductsThePremiumOwed()
    {
        FirstClaim.ClaimIn(1).Adjudication!.Is(Approved(eligible: 5_500m, deductible: 500m, benefit: 4_500m, unpaid: Premium, payable: 3_300m,
            before: Zero, after: AfterFirst, personLimitLeft: 195_500m, familyLimitLeft: null, coinsurance: 0.9m));
    }

    [Fact]
    public void TheDeduction_PaysThePremium_OnTheDayTheClaimWasReported()
    {
        Assert.Equal((PolicyStatus.InGrace, Premium), (Policy(FirstClaim, 2, 19).Status, Policy(FirstClaim, 2, 19).PremiumBalance));
        Assert.Equal((PolicyStatus.Active, 0m), (Policy(FirstClaim, 2, 20).Status, Policy(FirstClaim, 2, 20).PremiumBalance));
    }

    [Fact]
    public void ASecondClaimInTheSameGracePeriod_DeductsNothingMore()
    {
        // 2,000 × 0.9 = 1,800 (the person deductible was met by C1); the premium is already paid: 1,800, not 600.
        FirstClaim.Decide(Accident(2, 2, 25, 2_000m), D(2025, 2, 26)).AdjudicationIn().Is(
            Approved(eligible: 2_000m, deductible: 0m, benefit: 1_800m, payable: 1_800m, before: AfterFirst,
                after: new Counters(500m, 500m, 6_300m, 6_300m, false), personLimitLeft: 193_700m, familyLimitLeft: null, coinsurance: 0.9m));
    }

    [Fact]
    public void APremiumSettledByDeduction_NeverSuspendsThePolicy_AndLaterLossesAreCovered()
    {
        Assert.Equal(PolicyStatus.Active, Policy(FirstClaim, 3, 3).Status);
        var later = FirstClaim.Decide(Accident(2, 4, 10, 2_000m), D(2025, 4, 12)).AdjudicationIn();

        Assert.Equal((ClaimOutcome.Approved, 0m, 1_800m), (later.Outcome, later.UnpaidPremiumDeducted, later.Payable));
    }

    [Fact]
    public void TheSweep_RecordsTheGraceEndedByTheDeduction_AndNoSuspension()
    {
        FirstClaim.Decide(new SweepHousehold(D(2025, 4, 10)), D(2025, 4, 10)).ThenEvents(
            new GracePeriodStarted(MedicalAccidentId, TermStart, D(2025, 3, 2), Premium, D(2025, 1, 2)),
            new GracePeriodEnded(MedicalAccidentId, TermStart, D(2025, 2, 20)));
    }

    [Fact]
    public void ALaterPaymentOfTheDeductedPremium_IsACreditOnThePolicy_NotASecondCollection()
    {
        var events = FirstClaim.Decide(new PayPremium(Premium, D(2025, 3, 1)) { PolicyId = MedicalAccidentId }, D(2025, 3, 1));

        events.ThenEvents(new PremiumPaid(MedicalAccidentId, Premium, null, D(2025, 3, 1)));
        Assert.Equal((PolicyStatus.Active, -Premium), (Policy(FirstClaim.Plus(events), 3, 1).Status, Policy(FirstClaim.Plus(events), 3, 1).PremiumBalance));
    }

    [Fact]
    public void APaymentDatedBeforeTheClaimWasReported_LeavesNothingToDeduct_ATopUp()
    {
        // The bank shows the premium paid on 2025-02-18, after the loss but before the claim: nothing was owed when it was made.
        var paid = FirstClaim.AndThen(Pay(1, 3_300m, D(2025, 2, 21)), D(2025, 2, 21));

        var events = paid.Decide(new PayPremium(Premium, D(2025, 2, 18)) { PolicyId = MedicalAccidentId }, D(2025, 3, 1));

        Assert.Equal(2, events.Count);
        events[1].IsReadjudication(1, ClaimOutcome.Approved, previousPayable: 3_300m,
            Approved(eligible: 5_500m, deductible: 500m, benefit: 4_500m, payable: 4_500m, before: Zero, after: AfterFirst,
                personLimitLeft: 195_500m, familyLimitLeft: null, coinsurance: 0.9m),
            delta: Premium, recoveryDue: 0m, topUpDue: Premium, on: D(2025, 3, 1));
        Assert.Equal(0m, Policy(paid.Plus(events), 3, 1).PremiumBalance);
    }

    [Fact]
    public void ABenefitSmallerThanThePremium_DeductsOnlyTheBenefit_AndTheNextClaimDeductsTheRest()
    {
        // 1,000 − 500 deductible = 500 × 0.9 = 450, all of it deducted: 750 stays owed.
        var small = MotherUnpaid.AndThen(Accident(1, 2, 15, 1_000m), D(2025, 2, 20));
        Assert.Equal((450m, 0m), (small.ClaimIn(1).Adjudication!.UnpaidPremiumDeducted, small.ClaimIn(1).Payable));
        Assert.Equal((PolicyStatus.Suspended, 750m), (Policy(small, 3, 3).Status, Policy(small, 3, 3).PremiumBalance));

        var both = small.AndThen(Accident(2, 2, 25, 2_000m), D(2025, 2, 26));

        Assert.Equal((750m, 1_050m), (both.ClaimIn(2).Adjudication!.UnpaidPremiumDeducted, both.ClaimIn(2).Payable));
        Assert.Equal((PolicyStatus.Active, 0m), (Policy(both, 3, 3).Status, Policy(both, 3, 3).PremiumBalance));
    }

    [Fact]
    public void WithdrawingTheClaimThatDeducted_MovesTheDeductionToTheNextClaimInGrace()
    {
        var events = TwoClaims.Decide(Withdraw(1), D(2025, 3, 1));

        // C2 now meets the person deductible (500) and pays the premium: 1,500 × 0.9 = 1,350 − 1,200 = 150.
        events[1].IsReadjudication(2, ClaimOutcome.Approved, previousPayable: 1_800m,
            Approved(eligible: 2_000m, deductible: 500m, benefit: 1_350m, unpaid: Premium, payable: 150m,
                before: Zero, after: new Counters(500m, 500m, 1_350m, 1_350m, false), personLimitLeft: 198_650m, familyLimitLeft: null, coinsurance: 0.9m),
            delta: -1_650m, recoveryDue: 0m, topUpDue: 150m, on: D(2025, 3, 1));
        Assert.Equal((PolicyStatus.Active, 0m), (Policy(TwoClaims.Plus(events), 3, 3).Status, Policy(TwoClaims.Plus(events), 3, 3).PremiumBalance));
    }

    [Fact]
    public void WithdrawingTheOnlyClaimThatDeducted_LeavesThePremiumUnpaid_AndThePolicySuspendsAfterGrace()
    {
        var withdrawn = FirstClaim.AndThen(Withdraw(1), D(2025, 3, 1));

        Assert.Equal((PolicyStatus.InGrace, Premium), (Policy(withdrawn, 3, 1).Status, Policy(withdrawn, 3, 1).PremiumBalance));
        Assert.Equal(PolicyStatus.Suspended, Policy(withdrawn, 3, 3).Status);
    }

    [Fact]
    public void AReadjudicationThatNoLongerPays_UndoesTheDeduction_ThePremiumIsOwedAgain()
    {
        // A surrender on 2025-01-31, recorded in June: the loss of 2025-02-15 had no cover, so nothing was deducted from it.
        var paid = FirstClaim.AndThen(Pay(1, 3_300m, D(2025, 2, 21)), D(2025, 2, 21));

        var events = paid.Decide(new CancelPolicy(D(2025, 1, 31), "surrendered in January") { PolicyId = MedicalAccidentId }, Today);

        var cancelled = Assert.IsType<PolicyCancelled>(events[0]);
        events[1].IsReadjudication(1, ClaimOutcome.Approved, previousPayable: 3_300m, RejectedEarly(RejectionCodes.NoCoverage, 5_500m, coinsurance: 0.9m),
            delta: -3_300m, recoveryDue: 3_300m, topUpDue: 0m, on: Today);
        // January's premium (1,200 less the unearned 1,098.08) is owed again; the 3,300 paid on the claim is to be recovered.
        Assert.Equal((1_098.08m, 101.92m), (cancelled.Refund, Policy(paid.Plus(events), 6, 15).PremiumBalance));
    }

    [Fact]
    public void AReferralApprovedLater_TakesTheDeductionInItsPlace_TheLaterClaimIsToppedUp()
    {
        // Referred: 60,000 − 500 = 59,500 × 0.9 = 53,550 − 1,200 = 52,350, above the 50,000 threshold; it deducts nothing while it waits.
        var referred = MotherUnpaid.AndThen(Accident(1, 2, 10, 60_000m), D(2025, 2, 12));
        var given = referred.AndThen(Accident(2, 2, 15, 5_500m), D(2025, 2, 20));
        Assert.Equal((Premium, 3_300m), (given.ClaimIn(2).Adjudication!.UnpaidPremiumDeducted, given.ClaimIn(2).Payable));

        var events = given.Decide(Approve(1, 52_350m), D(2025, 3, 1));

        Assert.Equal((Premium, 52_350m), (events.AdjudicationIn().UnpaidPremiumDeducted, events.AdjudicationIn().Payable));
        events[1].IsReadjudication(2, ClaimOutcome.Approved, previousPayable: 3_300m,
            Approved(eligible: 5_500m, deductible: 0m, benefit: 4_950m, payable: 4_950m,
                before: new Counters(500m, 500m, 53_550m, 53_550m, false), after: new Counters(500m, 500m, 58_500m, 58_500m, false),
                personLimitLeft: 141_500m, familyLimitLeft: null, coinsurance: 0.9m),
            delta: 1_650m, recoveryDue: 0m, topUpDue: 4_950m, on: D(2025, 3, 1));
        Assert.Equal((PolicyStatus.Active, 0m), (Policy(given.Plus(events), 3, 3).Status, Policy(given.Plus(events), 3, 3).PremiumBalance));
    }
}

using Ledger.Domain.Claims;
using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using NodaTime;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Claims;

/// <summary>
/// The facts the claim specifications start from, on top of <see cref="Ledger.Domain.Tests.Policies.PolicyGiven"/>:
/// the 陈 family (father 陈明 = the holder, mother 林娟 = the spouse, child 陈乐 = the son) and their policies for
/// 2025-01-01..2025-12-31. Every expected adjudication is written out in full (only the explanation text is left
/// out of the comparison and checked separately where it matters).
/// </summary>
internal static class ClaimGiven
{
    public static readonly Guid FatherId = HolderId;
    public static readonly Guid MotherId = SpouseId;
    public static readonly Guid ChildId = SonId;

    public static readonly Guid MedicalAccidentId = Guid.Parse("00000000-0000-0000-0000-0000000000f4");

    public const decimal ChildPremium = 730m;
    public const decimal FamilyPremium = HolderPremium + SpousePremium + ChildPremium; // 6,205

    public static readonly Counters Zero = new(0m, 0m, 0m, 0m, false);

    /// <summary>Claim number n as a stable id.</summary>
    public static Guid ClaimNo(int n) => Guid.Parse($"00000000-0000-0000-cccc-{n:D12}");

    /// <summary>A claim on the medical policy unless another policy is named.</summary>
    public static SubmitClaim Loss(int n, Guid personId, LocalDate lossDate, LossCause cause, decimal amount, Guid? policyId = null) =>
        new SubmitClaim(policyId ?? MedicalId, personId, lossDate, cause, amount) { ClaimId = ClaimNo(n) };

    public static PayClaim Pay(int n, decimal amount, LocalDate paidOn) => new PayClaim(paidOn, amount) { ClaimId = ClaimNo(n) };

    public static WithdrawClaim Withdraw(int n, string reason = "filed by mistake") => new WithdrawClaim(reason) { ClaimId = ClaimNo(n) };

    public static ReviewClaim Approve(int n, decimal amount, string reason = "invoices checked by the claims handler") =>
        new ReviewClaim(ReviewDecision.Approve, reason, amount) { ClaimId = ClaimNo(n) };

    public static ReviewClaim RejectOnReview(int n, string reason = "treatment not medically necessary") =>
        new ReviewClaim(ReviewDecision.Reject, reason) { ClaimId = ClaimNo(n) };

    /// <summary>
    /// MED-FAMILY for father (3,650), mother (1,825) and child (730), issued through the deciders on 2024-12-20 and paid
    /// (6,205) on 2025-01-01: family deductible 10,000, coinsurance 1, 30-day waiting period (illness from 2025-01-31),
    /// per-person limit 2,000,000 unless <paramref name="personLimit"/> overrides it, family limit 4,000,000.
    /// </summary>
    public static object[] FamilyMedical(decimal? personLimit = null) =>
        Family
            .AndThen(new IssuePolicy(PolicyCategory.Medical, "MED-FAMILY", HolderId, TermStart, TermEnd,
                [new(FatherId, HolderPremium), new(MotherId, SpousePremium), new(ChildId, ChildPremium)], AnnualLimit: personLimit)
                { PolicyId = MedicalId }, IssuedOn)
            .AndThen(new PayPremium(FamilyPremium, TermStart) { PolicyId = MedicalId }, TermStart);

    /// <summary>MA-CARE (person deductible 500, coinsurance 0.9, person limit 200,000) for father and mother, paid.</summary>
    public static object[] MedicalAccidentCover(int? waitingPeriodDays = null) =>
        Family
            .AndThen(new IssuePolicy(PolicyCategory.MedicalAccident, "MA-CARE", HolderId, TermStart, TermEnd,
                [new(FatherId, 730m), new(MotherId, 730m)], WaitingPeriodDays: waitingPeriodDays) { PolicyId = MedicalAccidentId }, IssuedOn)
            .AndThen(new PayPremium(1460m, TermStart) { PolicyId = MedicalAccidentId }, TermStart);

    // ---------- reading the answers ----------

    /// <summary>The adjudication the rules (or a reviewer) recorded in the decided events.</summary>
    public static Adjudication AdjudicationIn(this IReadOnlyList<object> events) => Assert.Single(events.Select(e => e switch
    {
        ClaimAdjudicated a => a.Adjudication,
        ClaimReferred r => r.Adjudication,
        ClaimReviewed v => v.Adjudication,
        _ => null,
    }).OfType<Adjudication>());

    public static Claim ClaimIn(this IEnumerable<object> events, int n) =>
        Assert.Single(events.State().Claims, c => c.ClaimId == ClaimNo(n));

    public static ClaimView ClaimViewOf(this IEnumerable<object> events, int n, LocalDate on) =>
        Assert.Single(CoverageView.Of(events.State(), on, null).Claims, c => c.ClaimId == ClaimNo(n));

    /// <summary>Compares everything but the human explanation, which must still be there.</summary>
    public static void Is(this Adjudication actual, Adjudication expected)
    {
        Assert.False(string.IsNullOrWhiteSpace(actual.Explanation));
        Assert.Equal(expected, actual with { Explanation = "" });
    }

    // ---------- expected adjudications ----------

    public static Adjudication Approved(
        decimal eligible, decimal deductible, decimal benefit, decimal payable, Counters before, Counters after,
        decimal? personLimitLeft, decimal? familyLimitLeft, decimal coinsurance = 1m, decimal unpaid = 0m,
        LocalDate? term = null, bool automated = true, decimal threshold = ClaimEngine.DefaultReferralThreshold) =>
        new(ClaimOutcome.Approved, null, "", automated, term ?? TermStart, eligible, deductible, coinsurance, benefit, unpaid, payable,
            personLimitLeft, familyLimitLeft, threshold, before, after);

    public static Adjudication Referred(
        decimal eligible, decimal deductible, decimal benefit, decimal payable, Counters before,
        decimal? personLimitLeft, decimal? familyLimitLeft, decimal coinsurance = 1m, decimal unpaid = 0m,
        LocalDate? term = null, decimal threshold = ClaimEngine.DefaultReferralThreshold) =>
        new(ClaimOutcome.Referred, null, "", true, term ?? TermStart, eligible, deductible, coinsurance, benefit, unpaid, payable,
            personLimitLeft, familyLimitLeft, threshold, before, before);

    /// <summary>A rejection before the term's counters are looked at (not insured, no coverage, excluded, waiting period).</summary>
    public static Adjudication RejectedEarly(string code, decimal claimed, decimal coinsurance = 1m, bool automated = true) =>
        new(ClaimOutcome.Rejected, code, "", automated, null, claimed, 0m, coinsurance, 0m, 0m, 0m, null, null,
            ClaimEngine.DefaultReferralThreshold, Zero, Zero);

    /// <summary>A rejection that knows the term and the counters (limit exhausted, rejected on review).</summary>
    public static Adjudication RejectedInTerm(string code, decimal claimed, Counters counters, decimal coinsurance = 1m,
        bool automated = true, LocalDate? term = null) =>
        new(ClaimOutcome.Rejected, code, "", automated, term ?? TermStart, claimed, 0m, coinsurance, 0m, 0m, 0m, null, null,
            ClaimEngine.DefaultReferralThreshold, counters, counters);

    /// <summary>Asserts a re-adjudication event field by field; the new adjudication is compared without its explanation.</summary>
    public static void IsReadjudication(this object actual, int n, ClaimOutcome previousOutcome, decimal previousPayable, Adjudication expected,
        decimal delta, decimal recoveryDue, decimal topUpDue, LocalDate on)
    {
        var e = Assert.IsType<ClaimReadjudicated>(actual);
        Assert.Equal(
            (ClaimNo(n), previousOutcome, previousPayable, delta, recoveryDue, topUpDue, on),
            (e.ClaimId, e.PreviousOutcome, e.PreviousPayable, e.Delta, e.RecoveryDue, e.TopUpDue, e.EffectiveDate));
        e.Adjudication.Is(expected);
    }
}

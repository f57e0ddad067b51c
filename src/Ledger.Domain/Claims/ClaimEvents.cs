using Ledger.Domain.Households;
using NodaTime;

namespace Ledger.Domain.Claims;

/// <summary>What caused a loss: waiting periods apply to illness only.</summary>
public enum LossCause
{
    Illness,
    Accident,
}

public enum ClaimOutcome
{
    /// <summary>The rules (or a reviewer) accept the claim; <c>payable</c> may be 0 when the deductible absorbs it.</summary>
    Approved,
    /// <summary>Not covered; <c>rejectionCode</c> says why.</summary>
    Rejected,
    /// <summary>The rules will not decide alone (amount above the referral threshold, or a case they cannot judge).</summary>
    Referred,
}

/// <summary>Stable reasons for a rejection.</summary>
public static class RejectionCodes
{
    public const string WaitingPeriod = "WaitingPeriod";
    public const string NoCoverage = "NoCoverage";
    public const string NotInsured = "NotInsured";
    public const string LimitExhausted = "LimitExhausted";
    public const string Excluded = "Excluded";
}

/// <summary>Deductible and limit consumption of one person and their family on one policy term, at one moment.</summary>
public sealed record Counters(
    decimal PersonDeductibleUsed,
    decimal FamilyDeductibleUsed,
    decimal PersonBenefitUsed,
    decimal FamilyBenefitUsed,
    bool SumInsuredPaid);

/// <summary>
/// One adjudication with everything needed to recompute it by hand: the inputs, each step's amount, and the
/// counters before and after.
/// </summary>
/// <param name="Eligible">The amount the rules consider (the claimed amount; the sum insured for fixed-benefit products).</param>
/// <param name="DeductibleApplied">Part of the eligible amount the person and family deductibles absorbed.</param>
/// <param name="Coinsurance">Insurer's share above the deductible.</param>
/// <param name="Benefit">After deductible, coinsurance and the annual limits.</param>
/// <param name="UnpaidPremiumDeducted">
/// Premium owed for a loss in grace that this claim's benefit pays (保险法 §36), at most the benefit. Once approved it
/// settles the policy's charges like a payment made the day the claim was reported, so no later claim deducts it again.
/// </param>
/// <param name="Payable">What the insurer owes: benefit − the premium deducted.</param>
/// <param name="ReferralThreshold">Payable amounts above this are referred to a person.</param>
public sealed record Adjudication(
    ClaimOutcome Outcome,
    string? RejectionCode,
    string Explanation,
    bool Automated,
    LocalDate? TermStart,
    decimal Eligible,
    decimal DeductibleApplied,
    decimal Coinsurance,
    decimal Benefit,
    decimal UnpaidPremiumDeducted,
    decimal Payable,
    decimal? PersonLimitRemaining,
    decimal? FamilyLimitRemaining,
    decimal ReferralThreshold,
    Counters Before,
    Counters After);

/// <summary>An event about one claim of the household.</summary>
public interface IClaimEvent : IHouseholdEvent
{
    Guid ClaimId { get; }
}

/// <summary>A claim was made for a loss on <see cref="LossDate"/> (its effective date is the loss date).</summary>
/// <remarks><see cref="Category"/> is the policy's, kept with the claim for registers across households.</remarks>
public sealed record ClaimSubmitted(
    Guid ClaimId, Guid PolicyId, Ledger.Domain.Policies.PolicyCategory Category, Guid PersonId, LocalDate LossDate, LossCause Cause, decimal Amount,
    string? Description, LocalDate ReportedOn, LocalDate EffectiveDate, string? SubmittedBy = null) : IClaimEvent;

/// <summary>The rules decided the claim (approved or rejected).</summary>
public sealed record ClaimAdjudicated(Guid ClaimId, Adjudication Adjudication, LocalDate EffectiveDate) : IClaimEvent;

/// <summary>The rules referred the claim to a person; <see cref="Adjudication"/> is what the rules would pay.</summary>
public sealed record ClaimReferred(Guid ClaimId, Adjudication Adjudication, LocalDate EffectiveDate) : IClaimEvent;

public enum ReviewDecision
{
    Approve,
    Reject,
}

/// <summary>A person decided a referred claim; <see cref="Adjudication"/> records the decision with the counters.</summary>
/// <remarks><see cref="Reviewer"/> is who decided: the four-eyes rule keeps them from paying the same claim.</remarks>
public sealed record ClaimReviewed(
    Guid ClaimId, ReviewDecision Decision, decimal Amount, string Reason, Adjudication Adjudication, LocalDate EffectiveDate, string? Reviewer = null)
    : IClaimEvent;

/// <summary>The insurer paid (part of) an approved claim.</summary>
public sealed record ClaimPaid(Guid ClaimId, decimal Amount, LocalDate EffectiveDate) : IClaimEvent;

/// <summary>The claimant withdrew the claim; it no longer counts against deductibles or limits.</summary>
public sealed record ClaimWithdrawn(Guid ClaimId, string Reason, LocalDate EffectiveDate) : IClaimEvent;

/// <summary>
/// A later fact (a backdated departure, a cancellation, a premium status, a withdrawn earlier claim) changed the
/// adjudication of an earlier claim. <see cref="Delta"/> = new payable − previous payable; <see cref="RecoveryDue"/>
/// is what was already paid above the new payable; <see cref="TopUpDue"/> what is now owed beyond what was paid.
/// </summary>
public sealed record ClaimReadjudicated(
    Guid ClaimId,
    ClaimOutcome PreviousOutcome,
    decimal PreviousPayable,
    Adjudication Adjudication,
    decimal Delta,
    decimal RecoveryDue,
    decimal TopUpDue,
    LocalDate EffectiveDate) : IClaimEvent;

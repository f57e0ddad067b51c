using NodaTime;

namespace Ledger.Domain.Claims;

/// <summary>Where a claim stands.</summary>
public enum ClaimStatus
{
    Approved,
    Rejected,
    Referred,
    /// <summary>Approved and paid in full.</summary>
    Paid,
    Withdrawn,
}

/// <summary>A claim as its events left it: the facts of the loss and its current adjudication.</summary>
/// <param name="Order">Adjudication order within the household: deductibles and limits are consumed in this order.</param>
public sealed record Claim(
    Guid ClaimId,
    Guid PolicyId,
    Guid PersonId,
    LocalDate LossDate,
    LossCause Cause,
    decimal Amount,
    string? Description,
    LocalDate ReportedOn,
    int Order,
    Adjudication? Adjudication,
    ReviewDecision? Review,
    decimal? ReviewedAmount,
    string? ReviewReason,
    decimal Paid,
    bool Withdrawn)
{
    /// <summary>Who decided the claim on review, if a person did.</summary>
    public string? ReviewedBy { get; init; }

    /// <summary>Who recorded the claim; null for claims recorded before this was kept.</summary>
    public string? SubmittedBy { get; init; }

    public ClaimOutcome? Outcome => Adjudication?.Outcome;

    public decimal Payable => Adjudication is { Outcome: ClaimOutcome.Approved } a ? a.Payable : 0m;

    /// <summary>
    /// The premium this claim's benefit paid (保险法 §36): only an approved claim that still stands deducts anything.
    /// Capped at the benefit because adjudications recorded before the deduction settled the premium kept the whole
    /// unpaid balance even when the benefit was smaller.
    /// </summary>
    public decimal PremiumDeducted =>
        !Withdrawn && Adjudication is { Outcome: ClaimOutcome.Approved } a ? Math.Min(a.UnpaidPremiumDeducted, a.Benefit) : 0m;

    public ClaimStatus Status =>
        Withdrawn ? ClaimStatus.Withdrawn
        : Outcome == ClaimOutcome.Approved && Payable > 0 && Paid >= Payable ? ClaimStatus.Paid
        : Outcome switch
        {
            ClaimOutcome.Approved => ClaimStatus.Approved,
            ClaimOutcome.Rejected => ClaimStatus.Rejected,
            _ => ClaimStatus.Referred,
        };

    public static Claim Submitted(ClaimSubmitted e, int order) =>
        new(e.ClaimId, e.PolicyId, e.PersonId, e.LossDate, e.Cause, e.Amount, e.Description, e.ReportedOn, order,
            null, null, null, null, 0m, false) { SubmittedBy = e.SubmittedBy };

    public Claim After(object @event) => @event switch
    {
        ClaimAdjudicated e => this with { Adjudication = e.Adjudication },
        ClaimReferred e => this with { Adjudication = e.Adjudication },
        ClaimReviewed e => this with { Review = e.Decision, ReviewedAmount = e.Amount, ReviewReason = e.Reason, Adjudication = e.Adjudication, ReviewedBy = e.Reviewer },
        ClaimReadjudicated e => this with { Adjudication = e.Adjudication },
        ClaimPaid e => this with { Paid = Paid + e.Amount },
        ClaimWithdrawn => this with { Withdrawn = true },
        _ => this,
    };
}

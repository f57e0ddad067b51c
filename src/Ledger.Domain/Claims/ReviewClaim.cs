using System.Text.Json.Serialization;
using Ledger.Domain.Households;
using NodaTime;

namespace Ledger.Domain.Claims;

/// <summary>A person decides a referred claim: approve (with the amount to pay) or reject, with a reason.</summary>
public sealed record ReviewClaim(ReviewDecision Decision, string Reason, decimal? Amount = null) : IValidatable, IHouseholdCommand
{
    IReadOnlyList<object> IHouseholdCommand.Decide(Household state, LocalDate today) => ClaimDecider.Decide(this, state, today);

    [JsonIgnore] public Guid ClaimId { get; init; }

    /// <summary>Who decides; set by the ledger from the caller's token.</summary>
    [JsonIgnore] public string? Reviewer { get; init; }

    public IEnumerable<FieldError> Validate()
    {
        var errors = Check.Defined(Decision, "decision").Concat(Check.Name(Reason, "reason"));
        if (Amount is { } amount) errors = errors.Concat(Check.Amount(amount, "amount", allowZero: true));
        if (Decision == ReviewDecision.Approve && Amount is null) errors = errors.Append(new FieldError("amount", "is required to approve"));
        return errors;
    }
}

public static partial class ClaimDecider
{
    public static IReadOnlyList<object> Decide(ReviewClaim c, Household h, LocalDate today)
    {
        var claim = RequireClaim(h, c.ClaimId);
        RequireNotWithdrawn(claim);
        if (claim.Outcome != ClaimOutcome.Referred || claim.Review is not null)
            throw new DomainRuleViolated("NotReferred", $"The claim is {claim.Status.ToString().ToLowerInvariant()}, not waiting for review.", ViolationKind.Conflict);
        if (c.Decision == ReviewDecision.Approve && c.Amount > claim.Adjudication!.Eligible)
            throw new DomainRuleViolated("AmountAboveEligible", $"At most the eligible {claim.Adjudication.Eligible:0.00} can be approved.");
        // Four eyes: a referred claim is decided by someone other than the person who recorded it.
        if (claim.SubmittedBy is { } submitter && submitter == c.Reviewer)
            throw new DomainRuleViolated("FourEyes", "The person who recorded this claim may not also decide it on review.", ViolationKind.Conflict);

        var reviewed = h with
        {
            Claims = h.Claims.Replace(claim, claim with { Review = c.Decision, ReviewedAmount = c.Amount, ReviewReason = c.Reason }),
        };
        var adjudication = ClaimEngine.Run(reviewed)[c.ClaimId];
        // The event keeps the amount the person decided; the adjudication shows what that means under the limits.
        return [new ClaimReviewed(c.ClaimId, c.Decision, c.Decision == ReviewDecision.Approve ? c.Amount!.Value : 0m, c.Reason, adjudication, today, c.Reviewer)];
    }
}

using System.Text.Json.Serialization;
using Ledger.Domain.Households;
using NodaTime;

namespace Ledger.Domain.Claims;

/// <summary>Record a payment of an approved claim.</summary>
public sealed record PayClaim(LocalDate PaidOn, decimal Amount) : IValidatable, IHouseholdCommand
{
    IReadOnlyList<object> IHouseholdCommand.Decide(Household state, LocalDate today) => ClaimDecider.Decide(this, state, today);

    [JsonIgnore] public Guid ClaimId { get; init; }

    /// <summary>Who records the payment; set by the ledger from the caller's token.</summary>
    [JsonIgnore] public string? Payer { get; init; }

    public IEnumerable<FieldError> Validate() => Check.Date(PaidOn, "paidOn").Concat(Check.Amount(Amount, "amount"));
}

/// <summary>The claimant withdraws a claim that has not been paid.</summary>
public sealed record WithdrawClaim(string Reason) : IValidatable, IHouseholdCommand
{
    IReadOnlyList<object> IHouseholdCommand.Decide(Household state, LocalDate today) => ClaimDecider.Decide(this, state, today);

    [JsonIgnore] public Guid ClaimId { get; init; }

    public IEnumerable<FieldError> Validate() => Check.Name(Reason, "reason");
}

public static partial class ClaimDecider
{
    public static IReadOnlyList<object> Decide(PayClaim c, Household h, LocalDate today)
    {
        var claim = RequireClaim(h, c.ClaimId);
        RequireNotWithdrawn(claim);
        if (claim.Outcome != ClaimOutcome.Approved)
            throw new DomainRuleViolated("NotApproved", $"The claim is {claim.Status.ToString().ToLowerInvariant()}; only approved claims are paid.", ViolationKind.Conflict);
        if (c.PaidOn > today)
            throw new DomainRuleViolated("DateInFuture", $"The payment date {c.PaidOn:yyyy-MM-dd} is after today ({today:yyyy-MM-dd}).");
        if (c.PaidOn < claim.ReportedOn)
            throw new DomainRuleViolated("PaidBeforeClaim", $"The claim was reported on {claim.ReportedOn:yyyy-MM-dd}.");
        // Four eyes: the person who approved a referred claim does not also pay it.
        if (claim.ReviewedBy is { } reviewer && reviewer == c.Payer)
            throw new DomainRuleViolated("FourEyes", "The person who approved this claim on review may not also pay it.", ViolationKind.Conflict);
        var outstanding = claim.Payable - claim.Paid;
        if (c.Amount > outstanding)
            throw new DomainRuleViolated("PaymentExceedsApproved", $"Only {Math.Max(outstanding, 0):0.00} of the approved {claim.Payable:0.00} is unpaid.");
        return [new ClaimPaid(c.ClaimId, c.Amount, c.PaidOn)];
    }

    public static IReadOnlyList<object> Decide(WithdrawClaim c, Household h, LocalDate today)
    {
        var claim = RequireClaim(h, c.ClaimId);
        RequireNotWithdrawn(claim);
        if (claim.Paid > 0)
            throw new DomainRuleViolated("ClaimPaid", "A claim that has been paid cannot be withdrawn.", ViolationKind.Conflict);
        return [new ClaimWithdrawn(c.ClaimId, c.Reason, today)];
    }
}

using System.Text.Json.Serialization;
using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using NodaTime;

namespace Ledger.Domain.Claims;

/// <summary>Claim for a loss; the rules adjudicate it at once (approved, rejected) or refer it to a person.</summary>
public sealed record SubmitClaim(Guid PolicyId, Guid PersonId, LocalDate LossDate, LossCause Cause, decimal Amount, string? Description = null)
    : IValidatable, IHouseholdCommand
{
    IReadOnlyList<object> IHouseholdCommand.Decide(Household state, LocalDate today) => ClaimDecider.Decide(this, state, today);

    [JsonIgnore] public Guid ClaimId { get; init; }

    /// <summary>Payable amounts above this are referred; set by the ledger's configuration, not by the caller.</summary>
    [JsonIgnore] public decimal ReferralThreshold { get; init; } = ClaimEngine.DefaultReferralThreshold;

    /// <summary>Who records the claim; set by the ledger from the caller's token.</summary>
    [JsonIgnore] public string? Submitter { get; init; }

    public IEnumerable<FieldError> Validate()
    {
        var errors = Check.Date(LossDate, "lossDate").Concat(Check.Defined(Cause, "cause")).Concat(Check.Amount(Amount, "amount"));
        return Description is { Length: > 2000 } ? errors.Append(new FieldError("description", "must be at most 2000 characters")) : errors;
    }
}

public static partial class ClaimDecider
{
    public static IReadOnlyList<object> Decide(SubmitClaim c, Household h, LocalDate today)
    {
        if (h.Claims.Any(x => x.ClaimId == c.ClaimId))
            throw new DomainRuleViolated("ClaimExists", $"Claim {c.ClaimId} already exists.", ViolationKind.Conflict);
        var policy = h.Policy(c.PolicyId) ?? throw new DomainRuleViolated(
            "UnknownPolicy", $"Household {h.Number} has no policy {c.PolicyId}.", ViolationKind.NotFound);
        HouseholdDecider.RequirePerson(h, c.PersonId);
        if (c.LossDate > today)
            throw new DomainRuleViolated("LossInFuture", $"The loss date {c.LossDate:yyyy-MM-dd} is after today ({today:yyyy-MM-dd}).");
        var submitted = new ClaimSubmitted(c.ClaimId, c.PolicyId, policy.Category, c.PersonId, c.LossDate, c.Cause, c.Amount, c.Description, today, c.LossDate, c.Submitter);
        var withClaim = h.After(submitted);
        var claim = withClaim.Claims[^1];
        // Judge it with a provisional adjudication carrying the threshold, so the engine sees its place in the order.
        var provisional = withClaim with
        {
            Claims = withClaim.Claims.SetItem(withClaim.Claims.Count - 1, claim with { Adjudication = Placeholder(c.ReferralThreshold) }),
        };
        var adjudication = ClaimEngine.Run(provisional)[c.ClaimId];
        return adjudication.Outcome == ClaimOutcome.Referred
            ? [submitted, new ClaimReferred(c.ClaimId, adjudication, today)]
            : [submitted, new ClaimAdjudicated(c.ClaimId, adjudication, today)];
    }

    private static Adjudication Placeholder(decimal threshold) =>
        new(ClaimOutcome.Referred, null, "", true, null, 0, 0, 0, 0, 0, 0, null, null, threshold, new Counters(0, 0, 0, 0, false), new Counters(0, 0, 0, 0, false));

    internal static Claim RequireClaim(Household h, Guid claimId) =>
        h.Claims.FirstOrDefault(c => c.ClaimId == claimId) ?? throw new DomainRuleViolated(
            "UnknownClaim", $"Household {h.Number} has no claim {claimId}.", ViolationKind.NotFound);

    internal static void RequireNotWithdrawn(Claim claim)
    {
        if (claim.Withdrawn)
            throw new DomainRuleViolated("ClaimWithdrawn", "The claim was withdrawn.", ViolationKind.Conflict);
    }
}

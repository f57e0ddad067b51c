using System.Text.Json.Serialization;
using Ledger.Domain.Households;
using static Ledger.Domain.Households.HouseholdDecider;
using NodaTime;

namespace Ledger.Domain.Policies;

public enum UnderwritingDecision
{
    Accept,
    Decline,
}

/// <summary>A person decides an application the rules referred: accepting issues the policy as proposed.</summary>
public sealed record DecideUnderwriting(UnderwritingDecision Decision, string Reason) : IValidatable, IHouseholdCommand
{
    IReadOnlyList<object> IHouseholdCommand.Decide(Household state, LocalDate today) => PolicyDecider.Decide(this, state, today);

    [JsonIgnore] public Guid PolicyId { get; init; }

    /// <summary>Who decides; set by the ledger from the caller's token.</summary>
    [JsonIgnore] public string? Underwriter { get; init; }

    public IEnumerable<FieldError> Validate() =>
        Check.Defined(Decision, "decision").Concat(Check.Name(Reason, "reason"));
}

public static partial class PolicyDecider
{
    public static IReadOnlyList<object> Decide(DecideUnderwriting c, Household h, LocalDate today)
    {
        var referral = h.Referrals.FirstOrDefault(r => r.PolicyId == c.PolicyId) ?? throw (h.Policy(c.PolicyId) is null
            ? new DomainRuleViolated("UnknownPolicy", $"No application or policy {c.PolicyId}.", ViolationKind.NotFound)
            : new DomainRuleViolated("NotReferred", "This policy was already underwritten.", ViolationKind.Conflict));
        // Four eyes: a referred application is decided by someone other than the person who applied.
        if (referral.DecidedBy is { } applicant && applicant == c.Underwriter)
            throw new DomainRuleViolated("FourEyes", "The person who applied for this policy may not also decide its referral.", ViolationKind.Conflict);
        if (c.Decision == UnderwritingDecision.Decline)
            return [new UnderwritingDecided(c.PolicyId, UnderwritingOutcome.Declined, Automated: false, [c.Reason], null, today, c.Underwriter)];

        var issued = referral.Proposal!;
        // Facts may have changed since the referral (a death, a move): the proposal must still hold.
        PolicyRules.RequireMemberOn(h, issued.PolicyholderId, issued.TermStart);
        foreach (var insured in issued.Insured) PolicyRules.RequireMemberOn(h, insured.PersonId, issued.TermStart);
        return
        [
            new UnderwritingDecided(c.PolicyId, UnderwritingOutcome.Accepted, Automated: false, [c.Reason], null, today, c.Underwriter),
            issued,
            new PremiumDue(c.PolicyId, issued.Insured.Sum(i => i.AnnualPremium) + issued.Vehicles.Sum(v => v.AnnualPremium), "firstTerm", issued.TermStart),
        ];
    }
}

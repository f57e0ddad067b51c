using Ledger.Domain.Households;
using NodaTime;

namespace Ledger.Domain.Policies;

/// <summary>Checks shared by the policy commands. Each throws the refusal a client can act on.</summary>
internal static class PolicyRules
{
    public static Policy RequirePolicy(Household h, Guid policyId) =>
        h.Policy(policyId) ?? throw new DomainRuleViolated(
            "UnknownPolicy", $"Household {h.Number} has no policy {policyId}.", ViolationKind.NotFound);

    public static void RequireNotEnded(Policy policy)
    {
        if (policy.WithdrawnOn is not null)
            throw new DomainRuleViolated("PolicyVoided", "The policy was withdrawn in its cooling-off period and is void.", ViolationKind.Conflict);
        if (policy.CancelledAfter is { } last)
            throw new DomainRuleViolated("PolicyCancelled", $"The policy was cancelled after {last:yyyy-MM-dd}.", ViolationKind.Conflict);
    }

    /// <summary>Mid-term changes take effect inside a term of the policy.</summary>
    public static PolicyTerm RequireWithinTerm(Policy policy, LocalDate date, string what) =>
        policy.TermOn(date) ?? throw new DomainRuleViolated(
            "OutsideTerm",
            $"{what} {date:yyyy-MM-dd} is outside every term of the policy ({policy.FirstTerm.Start:yyyy-MM-dd} to {policy.LastTerm.End:yyyy-MM-dd}).");

    public static void RequireInForce(Policy policy, LocalDate date)
    {
        var status = policy.StatusOn(date);
        if (status is not (PolicyStatus.Active or PolicyStatus.InGrace))
            throw new DomainRuleViolated("PolicyNotInForce", $"The policy is {status.ToString().ToLowerInvariant()} on {date:yyyy-MM-dd}.");
    }

    /// <summary>Only members of the household on the date can be insured (or hold a policy) by it.</summary>
    public static Person RequireMemberOn(Household h, Guid personId, LocalDate date)
    {
        var person = HouseholdDecider.RequirePerson(h, personId);
        if (!person.IsMemberOn(date))
            throw new DomainRuleViolated(
                "NotAMember", $"{person.Name} is not a member of household {h.Number} on {date:yyyy-MM-dd}.");
        return person;
    }

    public static void RequirePaidOnOrBefore(LocalDate date, LocalDate today, string what)
    {
        if (date > today)
            throw new DomainRuleViolated("DateInFuture", $"{what} {date:yyyy-MM-dd} is after today ({today:yyyy-MM-dd}).");
    }

    public static decimal Money(decimal amount) => decimal.Round(amount, 2, MidpointRounding.AwayFromZero);
}

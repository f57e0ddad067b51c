using System.Text.Json.Serialization;
using Ledger.Domain.Households;
using NodaTime;

namespace Ledger.Domain.Policies;

/// <summary>
/// The insurer declines to renew the policy at the end of its current term. Refused while the term ends before the
/// guaranteed-renewal horizon (保证续保): a guaranteed renewal cannot be refused.
/// </summary>
public sealed record DeclineRenewal(string Reason) : IValidatable, IHouseholdCommand
{
    IReadOnlyList<object> IHouseholdCommand.Decide(Household state, LocalDate today) => PolicyDecider.Decide(this, state, today);

    [JsonIgnore] public Guid PolicyId { get; init; }

    public IEnumerable<FieldError> Validate() => Check.Name(Reason, "reason");
}

public static partial class PolicyDecider
{
    public static IReadOnlyList<object> Decide(DeclineRenewal c, Household h, LocalDate today)
    {
        var policy = PolicyRules.RequirePolicy(h, c.PolicyId);
        PolicyRules.RequireNotEnded(policy);
        var termEnd = policy.LastTerm.End;
        if (policy.Conditions.GuaranteedRenewalUntil is { } horizon && termEnd < horizon)
            throw new DomainRuleViolated("GuaranteedRenewal",
                $"Renewal is guaranteed until {horizon:yyyy-MM-dd}; the term ending {termEnd:yyyy-MM-dd} must be renewed if the policyholder asks.");
        if (policy.RenewalDeclinedAfter == termEnd)
            throw new DomainRuleViolated("RenewalDeclined", "Renewal of this term was already declined.", ViolationKind.Conflict);
        return [new RenewalDeclined(c.PolicyId, termEnd, c.Reason, today)];
    }
}

using System.Text.Json.Serialization;
using Ledger.Domain.Households;
using static Ledger.Domain.Households.HouseholdDecider;
using NodaTime;

namespace Ledger.Domain.Policies;

/// <summary>
/// Withdraw inside the cooling-off period (犹豫期): the policy is void from inception and every premium paid is
/// refunded. After the period, cancel instead (pro-rata refund).
/// </summary>
public sealed record WithdrawPolicy(LocalDate RequestedOn) : IValidatable, IHouseholdCommand
{
    IReadOnlyList<object> IHouseholdCommand.Decide(Household state, LocalDate today) => PolicyDecider.Decide(this, state, today);

    [JsonIgnore] public Guid PolicyId { get; init; }

    public IEnumerable<FieldError> Validate() => Check.Date(RequestedOn, "requestedOn");
}

public static partial class PolicyDecider
{
    /// <remarks>The cooling-off period runs from the day the contract is received for the product's cooling-off days.</remarks>
    public static IReadOnlyList<object> Decide(WithdrawPolicy c, Household h, LocalDate today)
    {
        var policy = PolicyRules.RequirePolicy(h, c.PolicyId);
        PolicyRules.RequireNotEnded(policy);
        PolicyRules.RequirePaidOnOrBefore(c.RequestedOn, today, "The request date");
        if (c.RequestedOn < policy.Conditions.ContractReceivedOn)
            throw new DomainRuleViolated("BeforeContractReceived", $"The contract was received on {policy.Conditions.ContractReceivedOn:yyyy-MM-dd}.");
        if (c.RequestedOn > policy.CoolingOffEnds)
            throw new DomainRuleViolated("CoolingOffOver",
                $"The cooling-off period ended on {policy.CoolingOffEnds:yyyy-MM-dd}; cancel the policy instead (pro-rata refund).");
        var paid = policy.Payments.Sum(p => p.Amount);
        return [new PolicyWithdrawnInCoolingOff(c.PolicyId, paid, c.RequestedOn)];
    }
}

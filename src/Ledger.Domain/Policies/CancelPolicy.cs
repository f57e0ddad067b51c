using System.Text.Json.Serialization;
using Ledger.Domain.Households;
using static Ledger.Domain.Households.HouseholdDecider;
using NodaTime;

namespace Ledger.Domain.Policies;

/// <summary>Cancel (surrender) a policy; <see cref="EffectiveDate"/> is its last covered day.</summary>
public sealed record CancelPolicy(LocalDate EffectiveDate, string Reason) : IValidatable, IHouseholdCommand
{
    IReadOnlyList<object> IHouseholdCommand.Decide(Household state, LocalDate today) => PolicyDecider.Decide(this, state, today);

    [JsonIgnore] public Guid PolicyId { get; init; }

    public IEnumerable<FieldError> Validate() => Check.Date(EffectiveDate, "effectiveDate").Concat(Check.Name(Reason, "reason"));
}

public static partial class PolicyDecider
{
    /// <remarks>Refund: the unearned premium of every person still covered, pro rata from the day after the last covered day.</remarks>
    public static IReadOnlyList<object> Decide(CancelPolicy c, Household h, LocalDate today)
    {
        var policy = PolicyRules.RequirePolicy(h, c.PolicyId);
        PolicyRules.RequireNotEnded(policy);
        var term = PolicyRules.RequireWithinTerm(policy, c.EffectiveDate, "The last covered day");
        RequireNotTooFarAhead(c.EffectiveDate, today);
        // Every cover's unearned premium, in its own term (a renewal already charged is refunded whole).
        var refund = policy.Insured.Sum(i => policy.Unearned(i, c.EffectiveDate))
                     + policy.Vehicles.Sum(v => PolicyEvaluator.ProRata(v.Vehicle.AnnualPremium, c.EffectiveDate.PlusDays(1), term, v.CoverTo));
        return [new PolicyCancelled(c.PolicyId, c.Reason, refund, c.EffectiveDate)];
    }
}

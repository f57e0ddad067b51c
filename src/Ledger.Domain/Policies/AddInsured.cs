using System.Text.Json.Serialization;
using Ledger.Domain.Households;
using static Ledger.Domain.Households.HouseholdDecider;
using NodaTime;

namespace Ledger.Domain.Policies;

/// <summary>Insure one more member mid-term (a newborn, a new spouse). They get their own waiting period.</summary>
public sealed record AddInsured(Guid PersonId, LocalDate EffectiveDate, decimal AnnualPremium) : IValidatable, IHouseholdCommand
{
    IReadOnlyList<object> IHouseholdCommand.Decide(Household state, LocalDate today) => PolicyDecider.Decide(this, state, today);

    [JsonIgnore] public Guid PolicyId { get; init; }

    public IEnumerable<FieldError> Validate() =>
        Check.Date(EffectiveDate, "effectiveDate").Concat(Check.Premium(AnnualPremium, "annualPremium"));
}

public static partial class PolicyDecider
{
    /// <remarks>Premium: annualPremium × days from the effective date to the term's end, both inclusive, ÷ days in the term.</remarks>
    public static IReadOnlyList<object> Decide(AddInsured c, Household h, LocalDate today)
    {
        var policy = PolicyRules.RequirePolicy(h, c.PolicyId);
        PolicyRules.RequireNotEnded(policy);
        if (policy.Category == PolicyCategory.Motor)
            throw new DomainRuleViolated("VehiclesOnly", "A motor policy insures vehicles; add a vehicle instead.");
        var term = PolicyRules.RequireWithinTerm(policy, c.EffectiveDate, "The effective date");
        RequireNotTooFarAhead(c.EffectiveDate, today);
        var person = PolicyRules.RequireMemberOn(h, c.PersonId, c.EffectiveDate);
        if (policy.Insured.Any(i => i.PersonId == c.PersonId && c.EffectiveDate <= policy.CoverTo(i)))
            throw new DomainRuleViolated("AlreadyInsured", "The person is already insured by this policy on that date.", ViolationKind.Conflict);
        PolicyRules.RequireInForce(policy, c.EffectiveDate);
        var product = ProductCatalogue.Find(policy.ProductCode, policy.ProductVersion)!;
        if (policy.Insured.Count(i => c.EffectiveDate <= policy.CoverTo(i)) >= product.MaxInsured)
            throw new DomainRuleViolated("TooManyInsured", $"A {product.Code} policy insures at most {product.MaxInsured} persons.");

        var age = person.AgeOn(c.EffectiveDate);
        if (age < product.MinEntryAge || age > product.MaxEntryAge)
            throw new DomainRuleViolated("OutsideEntryAge",
                $"{person.Name} is {age}; {product.Code} accepts {product.MinEntryAge} to {product.MaxEntryAge} (apply for a new policy to have it underwritten).");

        var delta = PolicyEvaluator.ProRata(c.AnnualPremium, c.EffectiveDate, term);
        return
        [
            new InsuredAdded(c.PolicyId, c.PersonId, c.AnnualPremium, delta, c.EffectiveDate.PlusDays(policy.Conditions.WaitingPeriodDays), c.EffectiveDate),
            new PremiumDue(c.PolicyId, delta, "insuredAdded", c.EffectiveDate),
        ];
    }
}

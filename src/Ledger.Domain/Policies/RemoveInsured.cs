using System.Text.Json.Serialization;
using Ledger.Domain.Households;
using static Ledger.Domain.Households.HouseholdDecider;
using NodaTime;

namespace Ledger.Domain.Policies;

/// <summary>End one person's cover on a policy; <see cref="EffectiveDate"/> is their last covered day.</summary>
public sealed record RemoveInsured(LocalDate EffectiveDate, string Cause) : IValidatable
{
    [JsonIgnore] public Guid PolicyId { get; init; }
    [JsonIgnore] public Guid PersonId { get; init; }

    public IEnumerable<FieldError> Validate() =>
        Check.Date(EffectiveDate, "effectiveDate").Concat(Check.Name(Cause, "cause"));
}

public static partial class PolicyDecider
{
    /// <remarks>Refund: annualPremium × days after the last covered day to the term's end ÷ days in the term.</remarks>
    public static IReadOnlyList<object> Decide(RemoveInsured c, Household h, LocalDate today)
    {
        var policy = PolicyRules.RequirePolicy(h, c.PolicyId);
        PolicyRules.RequireNotEnded(policy);
        var cover = policy.CoverOf(c.PersonId) ?? throw new DomainRuleViolated(
            "NotInsured", "The person is not insured by this policy.", ViolationKind.NotFound);
        if (cover.CoverTo is { } ended)
            throw new DomainRuleViolated("AlreadyRemoved", $"The person's cover already ended on {ended:yyyy-MM-dd}.", ViolationKind.Conflict);
        var term = PolicyRules.RequireWithinTerm(policy, c.EffectiveDate, "The last covered day");
        RequireNotTooFarAhead(c.EffectiveDate, today);
        if (c.EffectiveDate < cover.CoverFrom)
            throw new DomainRuleViolated("EndsBeforeCover", $"The person's cover starts on {cover.CoverFrom:yyyy-MM-dd}.");
        if (policy.Insured.Count(i => i.CoverTo is null) == 1 && policy.Category != PolicyCategory.Motor)
            throw new DomainRuleViolated("LastInsured", "This is the last insured person: cancel the policy instead.");

        return [RemovalOf(policy, cover, term, c.EffectiveDate, c.Cause)];
    }

    internal static InsuredRemoved RemovalOf(Policy policy, Cover cover, PolicyTerm term, LocalDate lastDay, string cause) =>
        new(policy.PolicyId, cover.PersonId, cause, PolicyEvaluator.ProRata(cover.AnnualPremium, lastDay.PlusDays(1), term), lastDay);
}

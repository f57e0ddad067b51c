using System.Text.Json.Serialization;
using Ledger.Domain.Households;
using static Ledger.Domain.Households.HouseholdDecider;
using NodaTime;

namespace Ledger.Domain.Policies;

/// <summary>End one person's cover on a policy; <see cref="EffectiveDate"/> is their last covered day.</summary>
public sealed record RemoveInsured(LocalDate EffectiveDate, string Cause) : IValidatable, IHouseholdCommand
{
    IReadOnlyList<object> IHouseholdCommand.Decide(Household state, LocalDate today) => PolicyDecider.Decide(this, state, today);

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
        var covers = policy.Insured.Where(i => i.PersonId == c.PersonId && i.EverStarted).ToList();
        if (covers.Count == 0)
            throw new DomainRuleViolated("NotInsured", "The person is not insured by this policy.", ViolationKind.NotFound);
        if (covers.All(i => i.CoverTo is not null && i.EndCause != "renewed"))
            throw new DomainRuleViolated("AlreadyRemoved", $"The person's cover already ended on {covers.Max(i => i.CoverTo):yyyy-MM-dd}.", ViolationKind.Conflict);
        PolicyRules.RequireWithinTerm(policy, c.EffectiveDate, "The last covered day");
        RequireNotTooFarAhead(c.EffectiveDate, today);
        if (c.EffectiveDate < covers.Min(i => i.CoverFrom))
            throw new DomainRuleViolated("EndsBeforeCover", $"The person's cover starts on {covers.Min(i => i.CoverFrom):yyyy-MM-dd}.");
        // Removing someone on the policy's very last day leaves nobody uncovered while it runs.
        var othersStillCovered = c.EffectiveDate >= policy.LastTerm.End
                                 || policy.Insured.Any(i => i.PersonId != c.PersonId && i.EverStarted && policy.CoverTo(i) > c.EffectiveDate);
        if (!othersStillCovered && policy.Category != PolicyCategory.Motor)
            throw new DomainRuleViolated("LastInsured", "This is the last insured person: cancel the policy instead.");

        return [RemovalOf(policy, c.PersonId, c.EffectiveDate, c.Cause)];
    }

    /// <summary>Ends all of a person's covers after their last day; the refund is what those covers had not yet earned.</summary>
    internal static InsuredRemoved RemovalOf(Policy policy, Guid personId, LocalDate lastDay, string cause) =>
        new(policy.PolicyId, personId, cause,
            policy.Insured.Where(i => i.PersonId == personId).Sum(i => policy.Unearned(i, lastDay)), lastDay);
}

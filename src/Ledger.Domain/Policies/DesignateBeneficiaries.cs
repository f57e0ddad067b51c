using System.Text.Json.Serialization;
using Ledger.Domain.Households;
using NodaTime;

namespace Ledger.Domain.Policies;

/// <summary>One beneficiary (受益人) of an insured person's death benefit and their share, in percent.</summary>
public sealed record BeneficiaryShare(Guid PersonId, decimal Share);

/// <summary>
/// Names who is paid if the insured person dies (保险法 §39–§41). The list replaces any earlier designation for that
/// person on the policy; an empty list revokes it, so the benefit goes to the insured's estate (§42).
/// </summary>
public sealed record DesignateBeneficiaries(IReadOnlyList<BeneficiaryShare>? Beneficiaries) : IValidatable, IHouseholdCommand
{
    IReadOnlyList<object> IHouseholdCommand.Decide(Household state, LocalDate today) => PolicyDecider.Decide(this, state, today);

    public const int MaxBeneficiaries = 10;

    [JsonIgnore] public Guid PolicyId { get; init; }

    /// <summary>The insured person whose death benefit is designated (from the route).</summary>
    [JsonIgnore] public Guid InsuredId { get; init; }

    public IEnumerable<FieldError> Validate()
    {
        if (Beneficiaries is null)
        {
            yield return new FieldError("beneficiaries", "is required (an empty list revokes the designation)");
            yield break;
        }
        if (Beneficiaries.Any(b => b is null))
        {
            yield return new FieldError("beneficiaries", "must not contain null");
            yield break;
        }
        if (Beneficiaries.Count > MaxBeneficiaries) yield return new FieldError("beneficiaries", $"must name at most {MaxBeneficiaries} people");
        var sharesValid = true;
        for (var i = 0; i < Beneficiaries.Count; i++)
        {
            var b = Beneficiaries[i];
            if (b.PersonId == Guid.Empty) yield return new FieldError($"beneficiaries[{i}].personId", "is required");
            if (b.Share is <= 0m or > 100m || decimal.Round(b.Share, 2) != b.Share)
            {
                sharesValid = false;
                yield return new FieldError($"beneficiaries[{i}].share", "must be a percentage above 0 and at most 100, with at most 2 decimals");
            }
        }
        if (Beneficiaries.Select(b => b.PersonId).Distinct().Count() != Beneficiaries.Count)
            yield return new FieldError("beneficiaries", "must name each person once");
        // Summed only when every share is in range: out-of-range decimals could overflow the sum.
        if (sharesValid && Beneficiaries.Count > 0 && Beneficiaries.Sum(b => b.Share) != 100m)
            yield return new FieldError("beneficiaries", $"shares must add up to 100 (they add up to {Beneficiaries.Sum(b => b.Share)})");
    }
}

public static partial class PolicyDecider
{
    public static IReadOnlyList<object> Decide(DesignateBeneficiaries c, Household h, LocalDate today)
    {
        var policy = PolicyRules.RequirePolicy(h, c.PolicyId);
        PolicyRules.RequireNotEnded(policy);
        // Indemnity products reimburse costs and pay nothing on death, so there is nobody to designate.
        if (policy.Category is PolicyCategory.Medical or PolicyCategory.Motor)
            throw new DomainRuleViolated("NoDeathBenefit", $"A {policy.Category.ToString().ToLowerInvariant()} policy pays no death benefit, so it has no beneficiaries.");
        // Death ends cover, so it is checked first: the caller learns why, not just that the person is no longer insured.
        if (h.Person(c.InsuredId) is { LeaveCause: LeaveCause.Death } && policy.Insured.Any(i => i.PersonId == c.InsuredId))
            throw new DomainRuleViolated("InsuredDeceased", "The insured person has died; the designation in force at death stands.");
        if (!policy.Insured.Any(i => i.PersonId == c.InsuredId && i.EverStarted && policy.CoverTo(i) >= today))
            throw new DomainRuleViolated("NotInsured", "The person is not insured by this policy now.", ViolationKind.NotFound);
        foreach (var b in c.Beneficiaries!)
        {
            if (b.PersonId == c.InsuredId)
                throw new DomainRuleViolated("InsuredAsBeneficiary", "The insured person cannot be the beneficiary of their own death benefit.");
            var person = HouseholdDecider.RequirePerson(h, b.PersonId);
            if (person.LeaveCause == LeaveCause.Death)
                throw new DomainRuleViolated("BeneficiaryDeceased", $"Person {b.PersonId} has died and cannot be designated.");
            // The insurer must be able to find whom to pay; a person who asked for erasure cannot be newly named.
            if (person.Restricted || person.Shredded)
                throw new DomainRuleViolated("BeneficiaryRestricted", $"Person {b.PersonId} asked for erasure; their data may not be used for a new designation.");
        }
        if (policy.BeneficiariesOf(c.InsuredId).SequenceEqual(c.Beneficiaries!))
            throw new DomainRuleViolated("DesignationUnchanged", "The designation is already exactly this.", ViolationKind.Conflict);
        return [new BeneficiaryDesignated(c.PolicyId, c.InsuredId, c.Beneficiaries!.ToList(), today)];
    }
}

using System.Text.Json.Serialization;
using Ledger.Domain.Households;
using static Ledger.Domain.Households.HouseholdDecider;
using NodaTime;

namespace Ledger.Domain.Policies;

/// <summary>
/// A new term on the same policy for everyone still insured. <see cref="AnnualPremium"/> is the policy's premium for the
/// new term, shared among the insured in proportion to their last premiums unless <see cref="Insured"/> sets each.
/// </summary>
public sealed record RenewPolicy(LocalDate TermStart, LocalDate TermEnd, decimal AnnualPremium, IReadOnlyList<InsuredPerson>? Insured = null)
    : IValidatable, IHouseholdCommand
{
    IReadOnlyList<object> IHouseholdCommand.Decide(Household state, LocalDate today) => PolicyDecider.Decide(this, state, today);

    [JsonIgnore] public Guid PolicyId { get; init; }

    public IEnumerable<FieldError> Validate() =>
        Insured?.Any(i => i is null) == true
            ? [new FieldError("insured", "must not contain null")]
            : Check.Date(TermStart, "termStart").Concat(Check.Date(TermEnd, "termEnd")).Concat(Check.Premium(AnnualPremium, "annualPremium"))
                .Concat((Insured ?? []).SelectMany((p, i) => Check.Premium(p.AnnualPremium, $"insured[{i}].annualPremium")));
}

public static partial class PolicyDecider
{
    /// <remarks>
    /// Continuous (waiting periods served stay served) when the new term starts the day after the last one ends and the
    /// renewal is recorded no later than the end of the renewal window; otherwise it is a new enrolment.
    /// </remarks>
    public static IReadOnlyList<object> Decide(RenewPolicy c, Household h, LocalDate today)
    {
        var policy = PolicyRules.RequirePolicy(h, c.PolicyId);
        PolicyRules.RequireNotEnded(policy);
        if (policy.RenewalDeclinedAfter == policy.LastTerm.End)
            throw new DomainRuleViolated("RenewalDeclined", $"The insurer declined to renew after {policy.LastTerm.End:yyyy-MM-dd}.", ViolationKind.Conflict);
        if (policy.Category == PolicyCategory.Motor)
            throw new DomainRuleViolated("RenewMotorByReissue", "Motor policies are renewed by issuing the next year's policy.");
        if (c.TermEnd < c.TermStart)
            throw new DomainRuleViolated("TermEndsBeforeStart", $"The term ends ({c.TermEnd:yyyy-MM-dd}) before it starts ({c.TermStart:yyyy-MM-dd}).");
        if (c.TermStart <= policy.LastTerm.End)
            throw new DomainRuleViolated("OverlapsTerm", $"The current term runs until {policy.LastTerm.End:yyyy-MM-dd}; a renewal starts after it.");
        var product = ProductCatalogue.Find(policy.ProductCode, policy.ProductVersion)!;
        var longest = c.TermStart.PlusMonths(product.TermMonths).PlusDays(-1);
        if (c.TermEnd > longest)
            throw new DomainRuleViolated("TermTooLong", $"A {product.Code} term lasts at most {product.TermMonths} months: until {longest:yyyy-MM-dd}.");
        RequireNotTooFarAhead(c.TermStart, today);

        var continuing = policy.Insured.Where(i => policy.CoverTo(i) >= policy.LastTerm.End && h.Person(i.PersonId)!.IsMemberOn(c.TermStart)).ToList();
        if (continuing.Count == 0)
            throw new DomainRuleViolated("InsuredRequired", "Nobody insured by the policy is still a member of the household.");
        IReadOnlyList<InsuredPerson> insured;
        if (c.Insured is { Count: > 0 } given)
        {
            var unknown = given.FirstOrDefault(g => continuing.All(i => i.PersonId != g.PersonId));
            if (unknown is not null)
                throw new DomainRuleViolated("NotInsured", $"Person {unknown.PersonId} is not insured by this policy at the end of its term.", ViolationKind.NotFound);
            insured = given;
        }
        else
        {
            insured = Share(c.AnnualPremium, continuing);
        }

        var continuous = c.TermStart == policy.LastTerm.End.PlusDays(1) && today <= policy.LastTerm.End.PlusDays(PolicyEvaluator.RenewalWindowDays);
        return
        [
            new PolicyRenewed(c.PolicyId, c.TermStart, c.TermEnd, insured, continuous, c.TermStart),
            new PremiumDue(c.PolicyId, insured.Sum(i => i.AnnualPremium), "renewal", c.TermStart),
        ];
    }

    /// <summary>Shares a premium in proportion to the last premiums; the last person takes the rounding remainder.</summary>
    private static List<InsuredPerson> Share(decimal total, IReadOnlyList<Cover> covers)
    {
        var previous = covers.Sum(i => i.AnnualPremium);
        var shares = covers.Select(i => new InsuredPerson(i.PersonId, PolicyRules.Money(total * i.AnnualPremium / previous))).ToList();
        shares[^1] = shares[^1] with { AnnualPremium = total - shares.Take(shares.Count - 1).Sum(s => s.AnnualPremium) };
        return shares;
    }
}

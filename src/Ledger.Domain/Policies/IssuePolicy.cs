using System.Text.Json.Serialization;
using Ledger.Domain.Households;
using static Ledger.Domain.Households.HouseholdDecider;
using NodaTime;

namespace Ledger.Domain.Policies;

/// <summary>
/// Apply for a policy for members of the household. The product fixes the conditions; the request may override
/// those API.md allows. The underwriting rules accept it automatically or refer it to a person.
/// </summary>
/// <param name="AnnualLimit">Overrides the product's per-person annual limit.</param>
public sealed record IssuePolicy(
    PolicyCategory Category,
    string ProductCode,
    Guid PolicyholderId,
    LocalDate TermStart,
    LocalDate TermEnd,
    IReadOnlyList<InsuredPerson>? Insured = null,
    int? WaitingPeriodDays = null,
    decimal? FamilyDeductible = null,
    decimal? PersonDeductible = null,
    decimal? Coinsurance = null,
    decimal? AnnualLimit = null,
    decimal? SumInsured = null,
    int? CoolingOffDays = null,
    LocalDate? ContractReceivedOn = null,
    LocalDate? GuaranteedRenewalUntil = null,
    IReadOnlyList<Vehicle>? Vehicles = null) : IValidatable, IHouseholdCommand
{
    IReadOnlyList<object> IHouseholdCommand.Decide(Household state, LocalDate today) => PolicyDecider.Decide(this, state, today);

    [JsonIgnore] public Guid PolicyId { get; init; }

    /// <summary>Who applies; set by the ledger from the caller's token.</summary>
    [JsonIgnore] public string? Applicant { get; init; }

    public IEnumerable<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        errors.AddRange(Check.Defined(Category, "category"));
        if (string.IsNullOrWhiteSpace(ProductCode) || ProductCode.Length > 50) errors.Add(new("productCode", "must be 1 to 50 characters"));
        errors.AddRange(Check.Date(TermStart, "termStart"));
        errors.AddRange(Check.Date(TermEnd, "termEnd"));
        // The serializer lets null elements through ([null]): refuse them here instead of failing later.
        if (Insured?.Any(i => i is null) == true) errors.Add(new("insured", "must not contain null"));
        if (Vehicles?.Any(v => v is null) == true) errors.Add(new("vehicles", "must not contain null"));
        if (errors.Count > 0) return errors;
        var insured = Insured ?? [];
        var vehicles = Vehicles ?? [];
        if (insured.Count == 0 && vehicles.Count == 0) errors.Add(new("insured", "must name at least one insured person"));
        if (insured.Count > 20) errors.Add(new("insured", "at most 20 persons"));
        for (var i = 0; i < insured.Count; i++)
            errors.AddRange(Check.Premium(insured[i].AnnualPremium, $"insured[{i}].annualPremium"));
        if (insured.Select(i => i.PersonId).Distinct().Count() != insured.Count) errors.Add(new("insured", "names a person twice"));
        for (var i = 0; i < vehicles.Count; i++)
        {
            errors.AddRange(Check.Code(vehicles[i].Plate, $"vehicles[{i}].plate"));
            errors.AddRange(Check.Code(vehicles[i].Vin, $"vehicles[{i}].vin"));
            errors.AddRange(Check.Premium(vehicles[i].AnnualPremium, $"vehicles[{i}].annualPremium"));
        }
        if (vehicles.Select(v => v.Plate).Distinct().Count() != vehicles.Count) errors.Add(new("vehicles", "names a plate twice"));
        if (WaitingPeriodDays is < 0 or > 365) errors.Add(new("waitingPeriodDays", "must be 0 to 365"));
        if (CoolingOffDays is < 0 or > 60) errors.Add(new("coolingOffDays", "must be 0 to 60"));
        if (Coinsurance is < 0m or > 1m) errors.Add(new("coinsurance", "must be between 0 and 1"));
        if (FamilyDeductible is not null) errors.AddRange(Check.Amount(FamilyDeductible.Value, "familyDeductible", allowZero: true));
        if (PersonDeductible is not null) errors.AddRange(Check.Amount(PersonDeductible.Value, "personDeductible", allowZero: true));
        if (AnnualLimit is not null) errors.AddRange(Check.Amount(AnnualLimit.Value, "annualLimit"));
        if (SumInsured is not null) errors.AddRange(Check.Amount(SumInsured.Value, "sumInsured"));
        if (ContractReceivedOn is { } received) errors.AddRange(Check.Date(received, "contractReceivedOn"));
        if (GuaranteedRenewalUntil is { } until) errors.AddRange(Check.Date(until, "guaranteedRenewalUntil"));
        return errors;
    }
}

public static partial class PolicyDecider
{
    public const int MinLongTermCoolingOffDays = 15;

    public static IReadOnlyList<object> Decide(IssuePolicy c, Household h, LocalDate today)
    {
        if (h.Policy(c.PolicyId) is not null || h.Referrals.Any(r => r.PolicyId == c.PolicyId))
            throw new DomainRuleViolated("PolicyExists", $"Policy {c.PolicyId} already exists.", ViolationKind.Conflict);
        var product = ProductCatalogue.Find(c.ProductCode) ?? throw new DomainRuleViolated(
            "UnknownProduct", $"No product '{c.ProductCode}'. Known: {string.Join(", ", ProductCatalogue.All.Select(p => p.Code).Distinct())}.");
        if (product.Category != c.Category)
            throw new DomainRuleViolated("CategoryMismatch", $"Product {product.Code} is {product.Category}, not {c.Category}.");
        if (c.TermEnd < c.TermStart)
            throw new DomainRuleViolated("TermEndsBeforeStart", $"The term ends ({c.TermEnd:yyyy-MM-dd}) before it starts ({c.TermStart:yyyy-MM-dd}).");
        var longest = c.TermStart.PlusMonths(product.TermMonths).PlusDays(-1);
        if (c.TermEnd > longest)
            throw new DomainRuleViolated("TermTooLong", $"A {product.Code} term lasts at most {product.TermMonths} months: until {longest:yyyy-MM-dd}.");
        RequireNotTooFarAhead(c.TermStart, today);

        var holder = PolicyRules.RequireMemberOn(h, c.PolicyholderId, c.TermStart);
        var insured = c.Insured ?? [];
        var people = insured.Select(i => PolicyRules.RequireMemberOn(h, i.PersonId, c.TermStart)).ToList();
        var vehicles = c.Vehicles ?? [];
        if (product.Category == PolicyCategory.Motor && vehicles.Count == 0)
            throw new DomainRuleViolated("VehicleRequired", "A motor policy covers at least one vehicle.");
        if (product.Category != PolicyCategory.Motor && vehicles.Count > 0)
            throw new DomainRuleViolated("VehiclesNotCovered", $"A {product.Category} policy does not cover vehicles.");
        if (product.Category != PolicyCategory.Motor && people.Count == 0)
            throw new DomainRuleViolated("InsuredRequired", "The policy must insure at least one person.");

        // Long-term health insurance (guaranteed renewal) must give at least 15 days to reconsider (健康保险管理办法).
        var coolingOff = c.CoolingOffDays ?? product.CoolingOffDays;
        if (product.GuaranteedRenewalYears > 0 && coolingOff < MinLongTermCoolingOffDays)
            throw new DomainRuleViolated("CoolingOffTooShort", $"Long-term health insurance needs at least {MinLongTermCoolingOffDays} days of cooling-off.");
        var received = c.ContractReceivedOn ?? c.TermStart;
        var conditions = new PolicyConditions(
            product.Currency,
            c.WaitingPeriodDays ?? product.WaitingPeriodDays,
            coolingOff,
            c.PersonDeductible ?? product.PersonDeductible,
            c.FamilyDeductible ?? product.FamilyDeductible,
            c.Coinsurance ?? product.Coinsurance,
            c.AnnualLimit ?? product.PersonAnnualLimit,
            product.FamilyAnnualLimit,
            c.SumInsured ?? product.SumInsured,
            received,
            c.GuaranteedRenewalUntil ?? (product.GuaranteedRenewalYears > 0 ? c.TermStart.PlusYears(product.GuaranteedRenewalYears).PlusDays(-1) : null));
        // Continuity after a split: for the people who moved, waiting periods count as served in the new household.
        IReadOnlyList<Guid>? credited = h.ContinuityCreditUntil is { } creditUntil && c.TermStart <= creditUntil
            ? insured.Select(i => i.PersonId).ToList()
            : null;
        var issued = new PolicyIssued(c.PolicyId, product.Category, product.Code, product.Version, c.PolicyholderId,
            c.TermStart, c.TermEnd, insured, vehicles, conditions, c.TermStart, credited);

        var reasons = UnderwritingReasons(product, holder, people, vehicles.Count, c.TermStart).ToList();
        if (reasons.Count > 0)
            return [new UnderwritingDecided(c.PolicyId, UnderwritingOutcome.Referred, Automated: true, reasons, issued, today, c.Applicant)];

        return
        [
            new UnderwritingDecided(c.PolicyId, UnderwritingOutcome.Accepted, Automated: true, [], null, today, c.Applicant),
            issued,
            new PremiumDue(c.PolicyId, insured.Sum(i => i.AnnualPremium) + vehicles.Sum(v => v.AnnualPremium), "firstTerm", c.TermStart),
        ];
    }

    /// <summary>Why the rules cannot accept an application on their own; none means automated acceptance.</summary>
    private static IEnumerable<string> UnderwritingReasons(Product product, Person holder, IReadOnlyList<Person> insured, int vehicles, LocalDate start)
    {
        if (insured.Count + (product.Category == PolicyCategory.Motor ? vehicles : 0) > product.MaxInsured)
            yield return $"More than {product.MaxInsured} insured on one {product.Code} policy.";
        foreach (var person in insured)
        {
            var age = person.AgeOn(start);
            if (age < product.MinEntryAge || age > product.MaxEntryAge)
                // Reasons are stored in events: no names (personal data is kept encrypted, reasons are not).
                yield return $"An insured person born {person.DateOfBirth:yyyy-MM-dd} is {age} at the start; {product.Code} accepts {product.MinEntryAge} to {product.MaxEntryAge} automatically.";
        }
        if (holder.AgeOn(start) < 18)
            yield return $"The policyholder (born {holder.DateOfBirth:yyyy-MM-dd}) is under 18.";
    }
}

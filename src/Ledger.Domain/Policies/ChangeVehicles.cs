using System.Text.Json.Serialization;
using Ledger.Domain.Households;
using static Ledger.Domain.Households.HouseholdDecider;
using NodaTime;

namespace Ledger.Domain.Policies;

/// <summary>Add a vehicle to a motor policy mid-term; premium pro rata by days like an insured person.</summary>
public sealed record AddVehicle(Vehicle Vehicle, LocalDate EffectiveDate) : IValidatable, IHouseholdCommand
{
    IReadOnlyList<object> IHouseholdCommand.Decide(Household state, LocalDate today) => PolicyDecider.Decide(this, state, today);

    [JsonIgnore] public Guid PolicyId { get; init; }

    public IEnumerable<FieldError> Validate() => Vehicle is null ? [new FieldError("vehicle", "is required")] :
        Check.Code(Vehicle.Plate, "vehicle.plate").Concat(Check.Code(Vehicle.Vin, "vehicle.vin"))
            .Concat(Check.Premium(Vehicle.AnnualPremium, "vehicle.annualPremium")).Concat(Check.Date(EffectiveDate, "effectiveDate"));
}

/// <summary>Remove a vehicle from a motor policy; <see cref="EffectiveDate"/> is its last covered day.</summary>
public sealed record RemoveVehicle(LocalDate EffectiveDate) : IValidatable, IHouseholdCommand
{
    IReadOnlyList<object> IHouseholdCommand.Decide(Household state, LocalDate today) => PolicyDecider.Decide(this, state, today);

    [JsonIgnore] public Guid PolicyId { get; init; }
    [JsonIgnore] public string Plate { get; init; } = "";

    public IEnumerable<FieldError> Validate() => Check.Date(EffectiveDate, "effectiveDate");
}

public static partial class PolicyDecider
{
    public static IReadOnlyList<object> Decide(AddVehicle c, Household h, LocalDate today)
    {
        var policy = RequireMotor(h, c.PolicyId);
        var term = PolicyRules.RequireWithinTerm(policy, c.EffectiveDate, "The effective date");
        RequireNotTooFarAhead(c.EffectiveDate, today);
        PolicyRules.RequireInForce(policy, c.EffectiveDate);
        if (policy.Vehicles.Any(v => v.Vehicle.Plate == c.Vehicle.Plate && v.CoverTo is null))
            throw new DomainRuleViolated("VehicleAlreadyCovered", $"{c.Vehicle.Plate} is already on the policy.", ViolationKind.Conflict);
        var delta = PolicyEvaluator.ProRata(c.Vehicle.AnnualPremium, c.EffectiveDate, term);
        return [new VehicleAdded(c.PolicyId, c.Vehicle, delta, c.EffectiveDate), new PremiumDue(c.PolicyId, delta, "vehicleAdded", c.EffectiveDate)];
    }

    public static IReadOnlyList<object> Decide(RemoveVehicle c, Household h, LocalDate today)
    {
        var policy = RequireMotor(h, c.PolicyId);
        var cover = policy.Vehicles.LastOrDefault(v => v.Vehicle.Plate == c.Plate && v.CoverTo is null) ?? throw new DomainRuleViolated(
            "UnknownVehicle", $"{c.Plate} is not on the policy.", ViolationKind.NotFound);
        var term = PolicyRules.RequireWithinTerm(policy, c.EffectiveDate, "The last covered day");
        RequireNotTooFarAhead(c.EffectiveDate, today);
        if (c.EffectiveDate < cover.CoverFrom)
            throw new DomainRuleViolated("EndsBeforeCover", $"{c.Plate} is covered from {cover.CoverFrom:yyyy-MM-dd}.");
        if (policy.Vehicles.Count(v => v.CoverTo is null) == 1)
            throw new DomainRuleViolated("LastVehicle", "This is the last vehicle: cancel the policy instead.");
        var refund = PolicyEvaluator.ProRata(cover.Vehicle.AnnualPremium, c.EffectiveDate.PlusDays(1), term);
        return [new VehicleRemoved(c.PolicyId, c.Plate, refund, c.EffectiveDate)];
    }

    private static Policy RequireMotor(Household h, Guid policyId)
    {
        var policy = PolicyRules.RequirePolicy(h, policyId);
        PolicyRules.RequireNotEnded(policy);
        return policy.Category == PolicyCategory.Motor
            ? policy
            : throw new DomainRuleViolated("NotMotor", "Only motor policies cover vehicles.");
    }
}

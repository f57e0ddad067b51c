using System.Text.Json.Serialization;
using Ledger.Domain.Households;
using static Ledger.Domain.Households.HouseholdDecider;
using NodaTime;

namespace Ledger.Domain.Policies;

/// <summary>
/// Reinstate (复效) a suspended policy by paying its arrears, within two years of the suspension (保险法 §37).
/// Illness cover restarts with a new waiting period.
/// </summary>
public sealed record ReinstatePolicy(LocalDate EffectiveDate, decimal ArrearsPaid) : IValidatable, IHouseholdCommand
{
    IReadOnlyList<object> IHouseholdCommand.Decide(Household state, LocalDate today) => PolicyDecider.Decide(this, state, today);

    [JsonIgnore] public Guid PolicyId { get; init; }

    // Zero is allowed: the arrears may already have been paid while the policy was suspended.
    public IEnumerable<FieldError> Validate() => Check.Date(EffectiveDate, "effectiveDate").Concat(Check.Amount(ArrearsPaid, "arrearsPaid", allowZero: true));
}

public static partial class PolicyDecider
{
    public static IReadOnlyList<object> Decide(ReinstatePolicy c, Household h, LocalDate today)
    {
        var policy = PolicyRules.RequirePolicy(h, c.PolicyId);
        PolicyRules.RequireNotEnded(policy);
        PolicyRules.RequirePaidOnOrBefore(c.EffectiveDate, today, "The reinstatement date");
        var premium = policy.PremiumOn(c.EffectiveDate);
        if (premium.SuspendedFrom is not { } suspendedFrom)
            throw new DomainRuleViolated("NotSuspended", $"The policy is {policy.StatusOn(c.EffectiveDate).ToString().ToLowerInvariant()} on {c.EffectiveDate:yyyy-MM-dd}, not suspended.", ViolationKind.Conflict);
        var deadline = suspendedFrom + PolicyEvaluator.ReinstatementWindow;
        if (c.EffectiveDate > deadline)
            throw new DomainRuleViolated("ReinstatementPeriodOver", $"The policy was suspended on {suspendedFrom:yyyy-MM-dd}; reinstatement was possible until {deadline:yyyy-MM-dd}.");
        PolicyRules.RequireWithinTerm(policy, c.EffectiveDate, "The reinstatement date");
        var arrears = Math.Max(premium.Balance, 0m);
        if (c.ArrearsPaid < arrears)
            throw new DomainRuleViolated("ArrearsNotPaid", $"Reinstatement needs the arrears of {arrears:0.00} {policy.Conditions.Currency}.");
        if (c.ArrearsPaid > arrears)
            throw new DomainRuleViolated("Overpayment", $"The arrears are {arrears:0.00} {policy.Conditions.Currency}.");

        var reinstated = new PolicyReinstated(c.PolicyId, c.ArrearsPaid, c.EffectiveDate.PlusDays(policy.Conditions.WaitingPeriodDays), c.EffectiveDate);
        return c.ArrearsPaid == 0
            ? [reinstated]
            : [new PremiumPaid(c.PolicyId, c.ArrearsPaid, premium.OverdueSince, c.EffectiveDate), reinstated];
    }
}

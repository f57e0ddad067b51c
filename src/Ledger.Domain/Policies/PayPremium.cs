using System.Text.Json.Serialization;
using Ledger.Domain.Households;
using static Ledger.Domain.Households.HouseholdDecider;
using NodaTime;

namespace Ledger.Domain.Policies;

/// <summary>Record a premium payment received on <see cref="PaidOn"/>.</summary>
public sealed record PayPremium(decimal Amount, LocalDate PaidOn, LocalDate? DueDate = null) : IValidatable, IHouseholdCommand
{
    IReadOnlyList<object> IHouseholdCommand.Decide(Household state, LocalDate today) => PolicyDecider.Decide(this, state, today);

    [JsonIgnore] public Guid PolicyId { get; init; }

    public IEnumerable<FieldError> Validate() =>
        Check.Amount(Amount, "amount").Concat(Check.Date(PaidOn, "paidOn"))
            .Concat(DueDate is { } due ? Check.Date(due, "dueDate") : []);
}

public static partial class PolicyDecider
{
    public static IReadOnlyList<object> Decide(PayPremium c, Household h, LocalDate today)
    {
        var policy = PolicyRules.RequirePolicy(h, c.PolicyId);
        if (policy.WithdrawnOn is not null)
            throw new DomainRuleViolated("PolicyVoided", "The policy is void; nothing is due.", ViolationKind.Conflict);
        PolicyRules.RequirePaidOnOrBefore(c.PaidOn, today, "The payment date");
        // Everything ever charged, less credits and payments: a payment may settle future premiums already charged
        // (a renewal), never more. Claim deductions do not count here: a premium the insurer already deducted from a claim
        // may still be paid, and the second collection becomes a credit on the policy (a negative balance).
        var owed = policy.Charges.Sum(x => x.Amount) - policy.Credits.Sum(x => x.Amount) - policy.Payments.Sum(x => x.Amount);
        if (c.Amount > owed)
            throw new DomainRuleViolated("Overpayment", $"Only {Math.Max(owed, 0):0.00} {policy.Conditions.Currency} is owed on this policy.");
        return [new PremiumPaid(c.PolicyId, c.Amount, c.DueDate, c.PaidOn)];
    }
}

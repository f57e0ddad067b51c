using Ledger.Domain.Policies;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Policies;

/// <summary>
/// The premium book a policy keeps once its status was asked (PremiumBook): a policy made from it with other
/// settlements or charges is judged on its own, and keeping a book changes no policy's equality.
/// </summary>
public class PremiumBookOnThePolicyTests
{
    [Fact]
    public void A_policy_made_with_a_payment_after_its_status_was_asked_is_judged_with_the_payment()
    {
        var unpaid = FamilyWithUnpaidMedical.PolicyOf(MedicalId);
        Assert.Equal(PolicyStatus.InGrace, unpaid.StatusOn(D(2025, 2, 15)));

        var paid = unpaid with { Payments = unpaid.Payments.Add(new(D(2025, 2, 1), FirstPremium, "payment")) };

        Assert.Equal(PolicyStatus.Active, paid.StatusOn(D(2025, 2, 15)));
        Assert.Equal(PolicyStatus.InGrace, unpaid.StatusOn(D(2025, 2, 15)));
    }

    [Fact]
    public void A_policy_made_with_a_new_charge_or_credit_after_its_status_was_asked_is_judged_with_it()
    {
        var unpaid = FamilyWithUnpaidMedical.PolicyOf(MedicalId);
        Assert.Equal(FirstPremium, unpaid.PremiumOn(D(2025, 2, 15)).Balance);

        var credited = unpaid with { Credits = unpaid.Credits.Add(new(D(2025, 2, 1), FirstPremium, "refund")) };
        var charged = unpaid with { Charges = unpaid.Charges.Add(new(D(2025, 2, 1), 100m, "adjustment")) };

        Assert.Equal(0m, credited.PremiumOn(D(2025, 2, 15)).Balance);
        Assert.Equal(FirstPremium + 100m, charged.PremiumOn(D(2025, 2, 15)).Balance);
    }

    [Fact]
    public void A_policy_that_built_its_book_equals_the_same_policy_that_did_not()
    {
        var asked = FamilyWithUnpaidMedical.PolicyOf(MedicalId);
        var fresh = asked with { };
        _ = asked.StatusOn(D(2025, 2, 15));

        Assert.Equal(fresh, asked);
        Assert.Equal(fresh.GetHashCode(), asked.GetHashCode());
    }
}

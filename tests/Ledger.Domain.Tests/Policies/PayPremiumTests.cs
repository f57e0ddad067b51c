using Ledger.Domain.Policies;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Policies;

public class PayPremiumTests
{
    private static PayPremium Pay(decimal amount, NodaTime.LocalDate on) => new PayPremium(amount, on, TermStart) { PolicyId = MedicalId };

    [Fact]
    public void GivenFirstPremiumDue_WhenPaidInFull_ThenPremiumPaid()
    {
        FamilyWithUnpaidMedical.Decide(Pay(FirstPremium, D(2025, 1, 5))).ThenEvents(
            new PremiumPaid(MedicalId, FirstPremium, TermStart, D(2025, 1, 5)));
    }

    [Fact]
    public void GivenFirstPremiumDue_WhenOneCentMoreIsPaid_ThenOverpayment()
    {
        FamilyWithUnpaidMedical.Refused(Pay(FirstPremium + 0.01m, D(2025, 1, 5))).Violates("Overpayment", ViolationKind.Rule);
    }

    [Fact]
    public void GivenPremiumPaidUp_WhenPaidAgain_ThenOverpayment()
    {
        FamilyWithPaidMedical.Refused(Pay(1m, D(2025, 2, 1))).Violates("Overpayment", ViolationKind.Rule);
    }

    [Fact]
    public void GivenFirstPremiumDue_WhenPaidInTwoParts_ThenTheSecondMayNotExceedTheRest()
    {
        var given = FamilyWithUnpaidMedical.AndThen(Pay(5000m, D(2025, 1, 5)));

        given.Refused(Pay(475.01m, D(2025, 1, 6))).Violates("Overpayment", ViolationKind.Rule);
        Assert.Single(given.Decide(Pay(475m, D(2025, 1, 6))));
    }

    [Fact]
    public void GivenToday_WhenPaidTomorrow_ThenDateInFuture()
    {
        FamilyWithUnpaidMedical.Refused(Pay(100m, Today.PlusDays(1)), today: Today).Violates("DateInFuture", ViolationKind.Rule);
    }

    [Fact]
    public void GivenToday_WhenPaidToday_ThenPremiumPaid()
    {
        Assert.Single(FamilyWithUnpaidMedical.Decide(Pay(100m, Today), today: Today));
    }

    [Fact]
    public void GivenNoSuchPolicy_WhenPaid_ThenUnknownPolicy()
    {
        FamilyWithUnpaidMedical.Refused(Pay(100m, Today) with { PolicyId = UnknownPolicyId }).Violates("UnknownPolicy", ViolationKind.NotFound);
    }
}

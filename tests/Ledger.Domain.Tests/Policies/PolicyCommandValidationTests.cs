using Ledger.Domain.Policies;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Policies;

/// <summary>Shape checks (<see cref="IValidatable.Validate"/>) on the policy commands: premiums must be positive, at most
/// 1,000,000,000,000 and in cents.</summary>
public class PolicyCommandValidationTests
{
    public static TheoryData<decimal> BadPremiums => new() { 0m, -0.01m, -3650m, 1_000_000_000_000.01m, 10.001m };

    [Theory]
    [MemberData(nameof(BadPremiums))]
    public void GivenABadAnnualPremium_WhenAddingAnInsured_ThenAnnualPremiumIsRejected(decimal premium)
    {
        Assert.Equal(["annualPremium"], new AddInsured(SonId, D(2025, 4, 1), premium).ErrorFields());
    }

    [Theory]
    [MemberData(nameof(BadPremiums))]
    public void GivenABadAnnualPremium_WhenIssuing_ThenThatInsuredsPremiumIsRejected(decimal premium)
    {
        Assert.Equal(["insured[1].annualPremium"], IssueMedical(new(HolderId, HolderPremium), new(SpouseId, premium)).ErrorFields());
    }

    [Theory]
    [MemberData(nameof(BadPremiums))]
    public void GivenABadAnnualPremium_WhenRenewing_ThenAnnualPremiumIsRejected(decimal premium)
    {
        Assert.Equal(["annualPremium"], new RenewPolicy(D(2026, 1, 1), D(2026, 12, 31), premium).ErrorFields());
    }

    [Theory]
    [MemberData(nameof(BadPremiums))]
    public void GivenABadVehiclePremium_WhenAddingAVehicle_ThenItIsRejected(decimal premium)
    {
        Assert.Equal(["vehicle.annualPremium"], new AddVehicle(Sedan with { AnnualPremium = premium }, D(2025, 4, 1)).ErrorFields());
    }

    [Theory]
    [MemberData(nameof(BadPremiums))]
    public void GivenABadAmount_WhenPaying_ThenAmountIsRejected(decimal amount)
    {
        Assert.Equal(["amount"], new PayPremium(amount, D(2025, 4, 1)).ErrorFields());
    }

    [Fact]
    public void GivenTheLargestAcceptedPremium_WhenAddingAnInsured_ThenValid()
    {
        Assert.Empty(new AddInsured(SonId, D(2025, 4, 1), 1_000_000_000_000m).ErrorFields());
        Assert.Empty(new AddInsured(SonId, D(2025, 4, 1), 0.01m).ErrorFields());
    }

    [Fact]
    public void GivenAZeroPremium_WhenDecided_ThenValidationFailedBeforeAnyRule()
    {
        FamilyWithPaidMedical.Refused(new AddInsured(SonId, D(2025, 4, 1), 0m) { PolicyId = UnknownPolicyId })
            .Violates("ValidationFailed", ViolationKind.Rule);
    }

    [Fact]
    public void GivenNeitherInsuredNorVehicles_WhenIssuing_ThenInsuredIsRejected()
    {
        Assert.Equal(["insured"], (IssueMedical() with { Insured = [] }).ErrorFields());
    }

    [Fact]
    public void GivenThePersonTwice_WhenIssuing_ThenInsuredIsRejected()
    {
        Assert.Equal(["insured"], IssueMedical(new(HolderId, 1m), new(HolderId, 2m)).ErrorFields());
    }

    [Fact]
    public void GivenNoCause_WhenRemovingAnInsured_ThenCauseIsRejected()
    {
        Assert.Equal(["cause"], new RemoveInsured(D(2025, 4, 1), "").ErrorFields());
    }

    [Fact]
    public void GivenNegativeArrears_WhenReinstating_ThenArrearsPaidIsRejected_ButZeroIsAllowed()
    {
        Assert.Equal(["arrearsPaid"], new ReinstatePolicy(D(2025, 4, 1), -1m).ErrorFields());
        Assert.Empty(new ReinstatePolicy(D(2025, 4, 1), 0m).ErrorFields());
    }

    [Fact]
    public void GivenAPlateWithASpace_WhenAddingAVehicle_ThenThePlateIsRejected()
    {
        Assert.Equal(["vehicle.plate"], new AddVehicle(Sedan with { Plate = "京A 12345" }, D(2025, 4, 1)).ErrorFields());
    }
}

using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Policies;

/// <summary>Guards added after review: mid-term entry ages and the long-term cooling-off minimum.</summary>
public sealed class UnderwritingGuardTests
{
    [Fact]
    public void GivenPaidMedicalPolicy_WhenA74YearOldGrandfatherIsAddedMidTerm_ThenOutsideEntryAge()
    {
        var given = FamilyWithPaidMedical.Plus(GrandfatherJoined);

        var refused = Assert.Throws<DomainRuleViolated>(() =>
            given.Decide(new AddInsured(GrandfatherId, D(2025, 4, 1), 3650m) { PolicyId = MedicalId }, Today));

        Assert.Equal("OutsideEntryAge", refused.Code);
        Assert.Equal(ViolationKind.Rule, refused.Kind);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(14)]
    public void GivenGuaranteedRenewalProduct_WhenCoolingOffIsShorterThan15Days_ThenCoolingOffTooShort(int days)
    {
        var refused = Assert.Throws<DomainRuleViolated>(() =>
            Family.Decide(IssueMedical(MedicalInsured) with { CoolingOffDays = days }, Today));

        Assert.Equal("CoolingOffTooShort", refused.Code);
    }

    [Fact]
    public void GivenCriticalIllnessWithoutGuaranteedRenewal_WhenCoolingOffIsShort_ThenAccepted()
    {
        var events = Family.Decide(new IssuePolicy(PolicyCategory.CriticalIllness, "CI-CLASSIC", HolderId, TermStart, TermEnd,
            [new InsuredPerson(HolderId, 1825m)], CoolingOffDays: 5) { PolicyId = CriticalIllnessId }, Today);

        Assert.Equal(5, Assert.Single(events.OfType<PolicyIssued>()).Conditions.CoolingOffDays);
    }
}

using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Policies;

/// <summary>
/// Beneficiaries (受益人) of a death benefit, 保险法 §39–§42: named per insured person, shares adding up to 100, a new
/// designation replaces the old one, an empty one revokes it (the benefit then goes to the estate).
/// </summary>
public class BeneficiaryTests
{
    private static readonly object[] WithCriticalIllness = Family.Plus(CriticalIllnessPaid);

    private static DesignateBeneficiaries Designate(Guid insuredId, params BeneficiaryShare[] beneficiaries) =>
        new(beneficiaries) { PolicyId = CriticalIllnessId, InsuredId = insuredId };

    [Fact]
    public void TheHolderNamesTheSpouseAndTheSon_SharesAreRecordedAndShownForTheHolder()
    {
        var events = WithCriticalIllness.Decide(Designate(HolderId, new(SpouseId, 60m), new(SonId, 40m)), D(2025, 3, 1));

        events.ThenEvents(new BeneficiaryDesignated(CriticalIllnessId, HolderId, [new(SpouseId, 60m), new(SonId, 40m)], D(2025, 3, 1)));
        var view = WithCriticalIllness.Plus(events).ViewOf(CriticalIllnessId, D(2025, 3, 1));
        Assert.Equal([new BeneficiaryShare(SpouseId, 60m), new BeneficiaryShare(SonId, 40m)], view.CoverOf(HolderId).Beneficiaries);
        Assert.Empty(view.CoverOf(SpouseId).Beneficiaries);
    }

    [Fact]
    public void ANewDesignationReplacesTheOld_FromItsDate_AndAnEmptyOneRevokesIt()
    {
        var given = WithCriticalIllness
            .AndThen(Designate(HolderId, new BeneficiaryShare(SpouseId, 100m)), D(2025, 3, 1))
            .AndThen(Designate(HolderId, new BeneficiaryShare(SonId, 100m)), D(2025, 5, 1));

        Assert.Equal([new BeneficiaryShare(SpouseId, 100m)], given.ViewOf(CriticalIllnessId, D(2025, 4, 30)).CoverOf(HolderId).Beneficiaries);
        Assert.Equal([new BeneficiaryShare(SonId, 100m)], given.ViewOf(CriticalIllnessId, D(2025, 5, 1)).CoverOf(HolderId).Beneficiaries);
        Assert.Empty(given.ViewOf(CriticalIllnessId, D(2025, 2, 28)).CoverOf(HolderId).Beneficiaries);

        var revoked = given.AndThen(Designate(HolderId), D(2025, 6, 1));
        Assert.Empty(revoked.ViewOf(CriticalIllnessId, D(2025, 6, 1)).CoverOf(HolderId).Beneficiaries);
    }

    [Theory]
    [InlineData("60", "30")]
    [InlineData("100.001", null)]
    [InlineData("0", "100")]
    [InlineData("-10", "110")]
    public void SharesMustBePositiveWithTwoDecimalsAndAddUpTo100(string first, string? second)
    {
        static decimal Parse(string s) => decimal.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        BeneficiaryShare[] shares = second is null ? [new(SpouseId, Parse(first))] : [new(SpouseId, Parse(first)), new(SonId, Parse(second))];

        Assert.NotEmpty(Designate(HolderId, shares).ErrorFields());
        WithCriticalIllness.Refused(Designate(HolderId, shares)).Violates("ValidationFailed", ViolationKind.Rule);
    }

    [Fact]
    public void ThePersonListIsRequired_AndEachPersonNamedOnce()
    {
        Assert.Equal(["beneficiaries"], new DesignateBeneficiaries(null).ErrorFields());
        Assert.Contains("beneficiaries", Designate(HolderId, new(SpouseId, 50m), new(SpouseId, 50m)).ErrorFields());
        Assert.Equal(["beneficiaries[0].personId"], Designate(HolderId, new BeneficiaryShare(Guid.Empty, 100m)).ErrorFields());
    }

    [Fact]
    public void TheInsuredCannotBeTheirOwnBeneficiary_NorCanSomeoneOutsideTheHousehold()
    {
        WithCriticalIllness.Refused(Designate(HolderId, new BeneficiaryShare(HolderId, 100m)))
            .Violates("InsuredAsBeneficiary", ViolationKind.Rule);
        WithCriticalIllness.Refused(Designate(HolderId, new BeneficiaryShare(StrangerId, 100m)))
            .Violates("UnknownPerson", ViolationKind.NotFound);
    }

    [Fact]
    public void OnlyInsuredPeopleOfPoliciesWithADeathBenefitHaveBeneficiaries()
    {
        WithCriticalIllness.Refused(Designate(SonId, new BeneficiaryShare(HolderId, 100m)))
            .Violates("NotInsured", ViolationKind.NotFound);
        FamilyWithPaidMedical.Refused(new DesignateBeneficiaries([new(SpouseId, 100m)]) { PolicyId = MedicalId, InsuredId = HolderId })
            .Violates("NoDeathBenefit", ViolationKind.Rule);
        WithCriticalIllness.Refused(Designate(HolderId, new BeneficiaryShare(SpouseId, 100m)) with { PolicyId = UnknownPolicyId })
            .Violates("UnknownPolicy", ViolationKind.NotFound);
    }

    [Fact]
    public void ADeceasedPersonCannotBeDesignated_AndAfterTheInsuredDiesTheDesignationStands()
    {
        var sonDied = WithCriticalIllness.Plus(new MemberLeft(SonId, LeaveCause.Death, D(2025, 2, 1)));
        sonDied.Refused(Designate(HolderId, new BeneficiaryShare(SonId, 100m)), D(2025, 3, 1))
            .Violates("BeneficiaryDeceased", ViolationKind.Rule);

        var holderDied = WithCriticalIllness
            .AndThen(Designate(HolderId, new BeneficiaryShare(SpouseId, 100m)), D(2025, 3, 1))
            .Plus(new MemberLeft(HolderId, LeaveCause.Death, D(2025, 4, 1)));
        holderDied.Refused(Designate(HolderId, new BeneficiaryShare(SonId, 100m)), D(2025, 4, 1))
            .Violates("InsuredDeceased", ViolationKind.Rule);
    }

    [Fact]
    public void RepeatingTheDesignationInForce_IsRefusedAsUnchanged()
    {
        var given = WithCriticalIllness.AndThen(Designate(HolderId, new BeneficiaryShare(SpouseId, 100m)), D(2025, 3, 1));

        given.Refused(Designate(HolderId, new BeneficiaryShare(SpouseId, 100m))).Violates("DesignationUnchanged", ViolationKind.Conflict);
    }
}

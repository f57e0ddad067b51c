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
    public void SharesTooLargeForASum_AreRefusedAsInvalid_NotOverflowed()
    {
        var huge = Designate(HolderId, new(SpouseId, decimal.MaxValue), new(SonId, decimal.MaxValue));

        Assert.Equal(["beneficiaries[0].share", "beneficiaries[1].share"], huge.ErrorFields());
        WithCriticalIllness.Refused(huge).Violates("ValidationFailed", ViolationKind.Rule);
    }

    [Fact]
    public void APersonWhoAskedForErasure_CannotBeNamed()
    {
        var restricted = WithCriticalIllness.Plus(
            new ErasureRequested(SonId, "no longer a customer", D(2025, 2, 1)), new ProcessingRestricted(SonId, D(2031, 12, 31), D(2025, 2, 1)));

        restricted.Refused(Designate(HolderId, new BeneficiaryShare(SonId, 100m)), D(2025, 3, 1)).Violates("BeneficiaryRestricted", ViolationKind.Rule);
    }

    [Fact]
    public void ANamedBeneficiary_IsKeptUntilTheContractsRetentionEnds()
    {
        var named = WithCriticalIllness.AndThen(Designate(HolderId, new BeneficiaryShare(SonId, 100m)), D(2025, 3, 1)).State();
        var notNamed = WithCriticalIllness.State();
        var fallback = D(2025, 3, 2);

        Assert.Null(Retention.RetainedUntil(named, SonId, D(2025, 3, 2), fallback));
        Assert.Equal(TermEnd.PlusYears(Retention.ShortTermYears), Retention.RetainedUntil(named, SonId, D(2026, 1, 1), fallback));
        Assert.Equal(fallback, Retention.RetainedUntil(notNamed, SonId, D(2025, 3, 2), fallback));
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

        // The spouse dies (recorded as the ledger records it: cover ends that day); a week later the answer names why.
        var spouseDied = WithCriticalIllness
            .AndThen(Designate(SpouseId, new BeneficiaryShare(SonId, 100m)), D(2025, 3, 1))
            .AndThen(new LeaveHousehold(D(2025, 4, 1), LeaveCause.Death) { PersonId = SpouseId }, D(2025, 4, 2));
        spouseDied.Refused(Designate(SpouseId, new BeneficiaryShare(HolderId, 100m)), D(2025, 4, 8))
            .Violates("InsuredDeceased", ViolationKind.Rule);
        Assert.Equal([new BeneficiaryShare(SonId, 100m)], spouseDied.PolicyOf(CriticalIllnessId).BeneficiariesOf(SpouseId));
    }

    [Fact]
    public void RepeatingTheDesignationInForce_IsRefusedAsUnchanged()
    {
        var given = WithCriticalIllness.AndThen(Designate(HolderId, new BeneficiaryShare(SpouseId, 100m)), D(2025, 3, 1));

        given.Refused(Designate(HolderId, new BeneficiaryShare(SpouseId, 100m))).Violates("DesignationUnchanged", ViolationKind.Conflict);
    }
}

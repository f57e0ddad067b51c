using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using NodaTime;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Policies;

/// <summary>
/// Adding and removing insured persons mid-term. Removal: the effective date E is the last covered day and the refund
/// is annual × days(E+1..term end) / days in the term, both ends inclusive.
/// </summary>
public class InsuredChangesTests
{
    private static readonly LocalDate LastDayOfJune = D(2025, 6, 30);

    private static RemoveInsured Remove(Guid personId, LocalDate lastDay, string cause = "request") =>
        new RemoveInsured(lastDay, cause) { PolicyId = MedicalId, PersonId = personId };

    private static AddInsured Add(Guid personId, LocalDate effective, decimal annual = 1825m, Guid? policyId = null) =>
        new AddInsured(personId, effective, annual) { PolicyId = policyId ?? MedicalId };

    [Fact]
    public void GivenSpouseInsuredAt1825_WhenRemovedWithJune30AsLastDay_ThenRefund184DaysOf365()
    {
        FamilyWithPaidMedical.Decide(Remove(SpouseId, LastDayOfJune)).ThenEvents(
            new InsuredRemoved(MedicalId, SpouseId, "request", 920.00m, LastDayOfJune));
        Assert.Equal(184, Period.DaysBetween(LastDayOfJune.PlusDays(1), TermEnd) + 1);
    }

    [Fact]
    public void GivenSpouseRemovedWithJune30AsLastDay_ThenCoveredOnJune30AndNotOnJuly1()
    {
        var policy = FamilyWithPaidMedical.AndThen(Remove(SpouseId, LastDayOfJune)).PolicyOf(MedicalId);

        Assert.True(policy.Covers(SpouseId, LastDayOfJune, illness: true));
        Assert.False(policy.Covers(SpouseId, LastDayOfJune.PlusDays(1), illness: false));
        Assert.True(policy.Covers(HolderId, LastDayOfJune.PlusDays(1), illness: true));
    }

    [Fact]
    public void GivenSpouseRemoved_ThenTheRefundIsOwedToThePolicyholder()
    {
        var policy = FamilyWithPaidMedical.AndThen(Remove(SpouseId, LastDayOfJune)).PolicyOf(MedicalId);

        Assert.Equal(0m, policy.PremiumOn(LastDayOfJune.PlusDays(-1)).Balance);
        Assert.Equal(-920m, policy.PremiumOn(LastDayOfJune).Balance);
        Assert.Equal(PolicyStatus.Active, policy.StatusOn(LastDayOfJune.PlusDays(1)));
    }

    [Fact]
    public void GivenSpouseRemovedOnTheLastDayOfTheTerm_ThenNoRefund()
    {
        FamilyWithPaidMedical.Decide(Remove(SpouseId, TermEnd), today: TermEnd).ThenEvents(
            new InsuredRemoved(MedicalId, SpouseId, "request", 0m, TermEnd));
    }

    [Fact]
    public void GivenSpouseRemovedOnTheFirstDayOfTheTerm_ThenRefund364Of365Days()
    {
        FamilyWithPaidMedical.Decide(Remove(SpouseId, TermStart)).ThenEvents(
            new InsuredRemoved(MedicalId, SpouseId, "request", 1820.00m, TermStart));
    }

    [Fact]
    public void GivenSpouseRemoved_WhenTheHolderIsRemoved_ThenLastInsured()
    {
        FamilyWithPaidMedical.AndThen(Remove(SpouseId, LastDayOfJune))
            .Refused(Remove(HolderId, LastDayOfJune)).Violates("LastInsured", ViolationKind.Rule);
    }

    [Fact]
    public void GivenSpouseRemoved_WhenRemovedAgain_ThenAlreadyRemoved()
    {
        FamilyWithPaidMedical.AndThen(Remove(SpouseId, LastDayOfJune))
            .Refused(Remove(SpouseId, LastDayOfJune)).Violates("AlreadyRemoved", ViolationKind.Conflict);
    }

    [Fact]
    public void GivenSonNotInsured_WhenRemoved_ThenNotInsured()
    {
        FamilyWithPaidMedical.Refused(Remove(SonId, LastDayOfJune)).Violates("NotInsured", ViolationKind.NotFound);
    }

    [Fact]
    public void GivenTermEndsDecember31_WhenRemovedWithALastDayInJanuary2026_ThenOutsideTerm()
    {
        FamilyWithPaidMedical.Refused(Remove(SpouseId, D(2026, 1, 10)), today: D(2025, 12, 20)).Violates("OutsideTerm", ViolationKind.Rule);
    }

    [Fact]
    public void GivenNoSuchPolicy_WhenRemovingSomeone_ThenUnknownPolicy()
    {
        FamilyWithPaidMedical.Refused(Remove(SpouseId, LastDayOfJune) with { PolicyId = UnknownPolicyId })
            .Violates("UnknownPolicy", ViolationKind.NotFound);
    }

    [Fact]
    public void GivenSonIsAMember_WhenAddedJuly1At1825_ThenPremiumFor184DaysAndHisOwnWaitingPeriod()
    {
        FamilyWithPaidMedical.Decide(Add(SonId, D(2025, 7, 1))).ThenEvents(
            new InsuredAdded(MedicalId, SonId, 1825m, 920.00m, D(2025, 7, 31), D(2025, 7, 1)),
            new PremiumDue(MedicalId, 920.00m, "insuredAdded", D(2025, 7, 1)));
    }

    [Fact]
    public void GivenSpouseInsured_WhenAddedAgain_ThenAlreadyInsured()
    {
        FamilyWithPaidMedical.Refused(Add(SpouseId, D(2025, 3, 1))).Violates("AlreadyInsured", ViolationKind.Conflict);
    }

    [Fact]
    public void GivenSpouseRemovedWithJune30AsLastDay_WhenAddedAgainFromJuly1_ThenInsuredAgain()
    {
        var events = FamilyWithPaidMedical.AndThen(Remove(SpouseId, LastDayOfJune)).Decide(Add(SpouseId, D(2025, 7, 1)));

        Assert.Equal(920.00m, Assert.IsType<InsuredAdded>(events[0]).PremiumDelta);
    }

    [Fact]
    public void GivenSonMovedOutInMarch_WhenInsuredFromApril_ThenNotAMember()
    {
        var given = FamilyWithPaidMedical.Plus(new MemberLeft(SonId, LeaveCause.Moved, D(2025, 3, 31)));

        given.Refused(Add(SonId, D(2025, 4, 15))).Violates("NotAMember", ViolationKind.Rule);
    }

    [Fact]
    public void GivenAStranger_WhenAdded_ThenUnknownPerson()
    {
        FamilyWithPaidMedical.Refused(Add(StrangerId, D(2025, 4, 15))).Violates("UnknownPerson", ViolationKind.NotFound);
    }

    [Fact]
    public void GivenNoSuchPolicy_WhenAddingSomeone_ThenUnknownPolicy()
    {
        FamilyWithPaidMedical.Refused(Add(SonId, D(2025, 4, 15), policyId: UnknownPolicyId)).Violates("UnknownPolicy", ViolationKind.NotFound);
    }

    [Fact]
    public void GivenTermEndsDecember31_WhenAddedFromJanuary2026_ThenOutsideTerm()
    {
        FamilyWithPaidMedical.Refused(Add(SonId, D(2026, 1, 10)), today: D(2025, 12, 20)).Violates("OutsideTerm", ViolationKind.Rule);
    }

    [Fact]
    public void GivenTermStartsJanuary1_WhenAddedFromDecember31Before_ThenOutsideTerm()
    {
        FamilyWithPaidMedical.Refused(Add(SonId, D(2024, 12, 31))).Violates("OutsideTerm", ViolationKind.Rule);
    }

    [Fact]
    public void GivenPolicySuspended_WhenSomeoneIsAdded_ThenPolicyNotInForce()
    {
        FamilyWithUnpaidMedical.Refused(Add(SonId, D(2025, 4, 10))).Violates("PolicyNotInForce", ViolationKind.Rule);
    }

    [Fact]
    public void GivenSixInsured_WhenASeventhIsAdded_ThenTooManyInsured()
    {
        var insured = new[] { HolderId, SpouseId }.Concat(CousinIds).Select(id => new InsuredPerson(id, 1000m)).ToArray();
        var given = Family.Plus(CousinsJoined).AndThen(IssueMedical(insured), IssuedOn).Plus(Paid(MedicalId, 6000m, TermStart));

        given.Refused(Add(SonId, D(2025, 4, 10))).Violates("TooManyInsured", ViolationKind.Rule);
    }
}

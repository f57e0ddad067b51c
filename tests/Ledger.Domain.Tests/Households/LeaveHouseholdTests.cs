using Ledger.Domain.Households;
using NodaTime;
using static Ledger.Domain.Tests.Households.Given;

namespace Ledger.Domain.Tests.Households;

public class LeaveHouseholdTests
{
    private static readonly LocalDate EndOfMonth = new(2025, 6, 30);

    private static LeaveHousehold Leave(Guid personId, LocalDate effective, LeaveCause cause = LeaveCause.Moved) =>
        new LeaveHousehold(effective, cause) { PersonId = personId };

    [Fact]
    public void GivenSpouseIsMember_WhenSheLeaves_ThenMemberLeft()
    {
        Family.When(Leave(SpouseId, EndOfMonth, LeaveCause.Divorce))
            .Then(new MemberLeft(SpouseId, LeaveCause.Divorce, EndOfMonth));
    }

    [Fact]
    public void GivenChildJoined_WhenLeavingOnTheDayOfJoining_ThenMemberLeftForOneDay()
    {
        Family.When(Leave(ChildId, ChildBorn, LeaveCause.Death))
            .Then(new MemberLeft(ChildId, LeaveCause.Death, ChildBorn));
    }

    [Fact]
    public void GivenNoHousehold_WhenLeaving_ThenUnknownHousehold()
    {
        object[] nothing = [];

        nothing.WhenRefused(Leave(SpouseId, EndOfMonth)).ThenViolates("UnknownHousehold", ViolationKind.NotFound);
    }

    [Fact]
    public void GivenFamily_WhenAStrangerLeaves_ThenUnknownPerson()
    {
        var violation = Family.WhenRefused(Leave(StrangerId, EndOfMonth));

        violation.ThenViolates("UnknownPerson", ViolationKind.NotFound);
        Assert.Contains(HouseholdNumber, violation.Message);
    }

    [Fact]
    public void GivenMemberLeft_WhenLeavingAgain_ThenMemberAlreadyLeft()
    {
        var given = Family.Plus(new MemberLeft(SpouseId, LeaveCause.Divorce, new LocalDate(2025, 3, 31)));

        given.WhenRefused(Leave(SpouseId, EndOfMonth, LeaveCause.Moved))
            .ThenViolates("MemberAlreadyLeft", ViolationKind.Conflict);
    }

    [Fact]
    public void GivenMemberLeft_WhenTheSameLeaveIsReportedAgain_ThenMemberAlreadyLeft()
    {
        var lastDay = new LocalDate(2025, 3, 31);
        var given = Family.Plus(new MemberLeft(SpouseId, LeaveCause.Divorce, lastDay));

        given.WhenRefused(Leave(SpouseId, lastDay, LeaveCause.Divorce))
            .ThenViolates("MemberAlreadyLeft", ViolationKind.Conflict);
    }

    [Fact]
    public void GivenSpouseJoinedOnFirstOfFebruary_WhenLeavingTheDayBefore_ThenLeaveBeforeJoin()
    {
        Family.WhenRefused(Leave(SpouseId, SpouseJoined.PlusDays(-1)))
            .ThenViolates("LeaveBeforeJoin", ViolationKind.Rule);
    }

    [Fact]
    public void GivenFamily_WhenLeaving367DaysAhead_ThenEffectiveDateTooFarAhead()
    {
        Family.WhenRefused(Leave(SpouseId, Today.PlusDays(367)))
            .ThenViolates("EffectiveDateTooFarAhead", ViolationKind.Rule);
    }

    [Fact]
    public void GivenFamily_WhenLeavingExactly366DaysAhead_ThenMemberLeft()
    {
        Family.When(Leave(SpouseId, Today.PlusDays(366)))
            .Then(new MemberLeft(SpouseId, LeaveCause.Moved, Today.PlusDays(366)));
    }

    [Fact]
    public void GivenParentJoined_WhenHerDeathIsReportedAYearLate_ThenMemberLeftOnTheDateOfDeath()
    {
        var parentId = Guid.Parse("00000000-0000-0000-0000-000000000004");
        var died = new LocalDate(2024, 4, 12);
        var given = Family.Plus(new MemberJoined(parentId, "王芳", new LocalDate(1940, 8, 1), Relationship.Parent, null, new LocalDate(2024, 2, 1)));

        given.When(Leave(parentId, died, LeaveCause.Death), today: new LocalDate(2025, 6, 15))
            .Then(new MemberLeft(parentId, LeaveCause.Death, died));
    }

    [Fact]
    public void GivenLateReportedDeathRecorded_WhenViewedBetweenDeathAndReport_ThenMemberHadAlreadyLeft()
    {
        var died = new LocalDate(2024, 4, 12);
        var events = Family.When(Leave(SpouseId, died, LeaveCause.Death));
        var household = State(Family.Plus([.. events]));

        var view = household.View(SpouseId, died.PlusDays(1));

        Assert.Equal(MembershipStatus.Left, view.Status);
        Assert.Equal(died, view.LeftOn);
        Assert.Equal(LeaveCause.Death, view.LeaveCause);
    }

    [Fact]
    public void GivenAWellFormedLeave_WhenValidated_ThenNoErrors()
    {
        Assert.Empty(Leave(SpouseId, EndOfMonth).Validate());
    }

    [Fact]
    public void GivenUndefinedCauseAndDateOutsideTheLedgerRange_WhenValidated_ThenBothRejected()
    {
        var command = new LeaveHousehold(new LocalDate(1899, 12, 31), (LeaveCause)99);

        Assert.Equal(["effectiveDate", "cause"], command.ErrorFields());
    }
}

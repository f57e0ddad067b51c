using Ledger.Domain.Households;
using NodaTime;
using static Ledger.Domain.Tests.Households.Given;

namespace Ledger.Domain.Tests.Households;

public class JoinMemberTests
{
    private static readonly LocalDate ParentBorn = new(1955, 8, 1);
    private static readonly LocalDate MovedIn = new(2025, 5, 1);

    private static JoinMember Join(
        Relationship relationship = Relationship.Parent,
        LocalDate? effective = null,
        LocalDate? born = null,
        string? idNumber = null,
        string name = "王芳") =>
        new JoinMember(name, born ?? ParentBorn, relationship, effective ?? MovedIn, idNumber) { PersonId = NewcomerId };

    [Fact]
    public void GivenOpenHousehold_WhenParentJoins_ThenMemberJoined()
    {
        JustOpened.When(Join(idNumber: "110101195508010033")).Then(
            new MemberJoined(NewcomerId, "王芳", ParentBorn, Relationship.Parent, "110101195508010033", MovedIn));
    }

    [Fact]
    public void GivenOpenHousehold_WhenNewbornJoinsOnTheDayOfBirth_ThenMemberJoined()
    {
        var born = new LocalDate(2025, 6, 1);

        JustOpened.When(Join(Relationship.Child, effective: born, born: born, name: "张小宝")).Then(
            new MemberJoined(NewcomerId, "张小宝", born, Relationship.Child, null, born));
    }

    [Fact]
    public void GivenOpenHousehold_WhenJoiningOnTheOpeningDay_ThenMemberJoined()
    {
        var events = JustOpened.When(Join(effective: OpenedOn));

        Assert.Equal(OpenedOn, Assert.IsType<MemberJoined>(Assert.Single(events)).EffectiveDate);
    }

    [Fact]
    public void GivenNoHousehold_WhenJoining_ThenUnknownHousehold()
    {
        object[] nothing = [];

        nothing.WhenRefused(Join()).ThenViolates("UnknownHousehold", ViolationKind.NotFound);
    }

    [Fact]
    public void GivenOnlyEventsBeforeOpening_WhenJoining_ThenUnknownHousehold()
    {
        object[] notOpened = [HolderJoined];

        notOpened.WhenRefused(Join()).ThenViolates("UnknownHousehold", ViolationKind.NotFound);
    }

    [Fact]
    public void GivenOpenHousehold_WhenJoiningTheDayBeforeOpening_ThenEffectiveBeforeOpening()
    {
        JustOpened.WhenRefused(Join(effective: OpenedOn.PlusDays(-1)))
            .ThenViolates("EffectiveBeforeOpening", ViolationKind.Rule);
    }

    [Fact]
    public void GivenOpenHousehold_WhenJoiningTheDayBeforeBirth_ThenJoinBeforeBirth()
    {
        var born = new LocalDate(2025, 6, 1);

        JustOpened.WhenRefused(Join(Relationship.Child, effective: born.PlusDays(-1), born: born))
            .ThenViolates("JoinBeforeBirth", ViolationKind.Rule);
    }

    [Fact]
    public void GivenOpenHousehold_WhenBirthDateIsTomorrow_ThenBirthDateInFuture()
    {
        var tomorrow = Today.PlusDays(1);

        JustOpened.WhenRefused(Join(Relationship.Child, effective: tomorrow, born: tomorrow))
            .ThenViolates("BirthDateInFuture", ViolationKind.Rule);
    }

    [Fact]
    public void GivenOpenHousehold_WhenJoining367DaysAhead_ThenEffectiveDateTooFarAhead()
    {
        JustOpened.WhenRefused(Join(effective: Today.PlusDays(367)))
            .ThenViolates("EffectiveDateTooFarAhead", ViolationKind.Rule);
    }

    [Fact]
    public void GivenOpenHousehold_WhenJoiningExactly366DaysAhead_ThenMemberJoined()
    {
        var events = JustOpened.When(Join(effective: Today.PlusDays(366)));

        Assert.Equal(Today.PlusDays(366), Assert.IsType<MemberJoined>(Assert.Single(events)).EffectiveDate);
    }

    [Fact]
    public void GivenSpouseIsCurrentMember_WhenSomeoneJoinsWithTheSpousesIdNumber_ThenDuplicateMember()
    {
        Family.WhenRefused(Join(idNumber: SpouseIdNumber))
            .ThenViolates("DuplicateMember", ViolationKind.Conflict);
    }

    [Fact]
    public void GivenOpenHousehold_WhenSomeoneJoinsWithTheHoldersIdNumber_ThenDuplicateMember()
    {
        JustOpened.WhenRefused(Join(idNumber: HolderIdNumber))
            .ThenViolates("DuplicateMember", ViolationKind.Conflict);
    }

    [Fact]
    public void GivenSpouseLeft_WhenSheRejoinsWithHerIdNumberAfterLeaving_ThenMemberJoined()
    {
        var left = new LocalDate(2025, 1, 31);
        var rejoined = new LocalDate(2025, 2, 1);
        var given = Family.Plus(new MemberLeft(SpouseId, LeaveCause.Moved, left));

        var events = given.When(Join(Relationship.Spouse, effective: rejoined, born: SpouseBorn, idNumber: SpouseIdNumber, name: SpouseName));

        events.Then(new MemberJoined(NewcomerId, SpouseName, SpouseBorn, Relationship.Spouse, SpouseIdNumber, rejoined));
    }

    [Fact]
    public void GivenAMemberWithoutIdNumber_WhenAnotherJoinsWithoutIdNumber_ThenNotADuplicate()
    {
        var twin = new JoinMember("张子轩", ChildBorn, Relationship.Child, ChildBorn) { PersonId = NewcomerId };

        var events = Family.When(twin);

        Assert.Null(Assert.IsType<MemberJoined>(Assert.Single(events)).IdNumber);
    }

    [Fact]
    public void GivenSpouseScheduledToLeave_WhenHerIdNumberJoinsBeforeHerLastDay_ThenDuplicateMember()
    {
        var given = Family.Plus(new MemberLeft(SpouseId, LeaveCause.Moved, new LocalDate(2025, 7, 31)));

        given.WhenRefused(Join(Relationship.Other, effective: new LocalDate(2025, 7, 1), born: SpouseBorn, idNumber: SpouseIdNumber))
            .ThenViolates("DuplicateMember", ViolationKind.Conflict);
    }

    [Fact]
    public void GivenSpouseLeft_WhenHerIdNumberJoinsBackdatedIntoHerMembership_ThenDuplicateMember()
    {
        var given = Family.Plus(new MemberLeft(SpouseId, LeaveCause.Moved, new LocalDate(2025, 3, 31)));

        given.WhenRefused(Join(Relationship.Other, effective: new LocalDate(2025, 1, 1), born: SpouseBorn, idNumber: SpouseIdNumber))
            .ThenViolates("DuplicateMember", ViolationKind.Conflict);
    }

    [Fact]
    public void GivenSpouseIsCurrentMember_WhenASecondSpouseJoins_ThenSpouseAlreadyPresent()
    {
        Family.WhenRefused(Join(Relationship.Spouse, born: new LocalDate(1985, 1, 1)))
            .ThenViolates("SpouseAlreadyPresent", ViolationKind.Conflict);
    }

    [Fact]
    public void GivenSpouseLeftOnTheDayTheNewSpouseWouldJoin_WhenJoining_ThenSpouseAlreadyPresent()
    {
        var divorced = new LocalDate(2025, 3, 31);
        var given = Family.Plus(new MemberLeft(SpouseId, LeaveCause.Divorce, divorced));

        given.WhenRefused(Join(Relationship.Spouse, effective: divorced, born: new LocalDate(1985, 1, 1)))
            .ThenViolates("SpouseAlreadyPresent", ViolationKind.Conflict);
    }

    [Fact]
    public void GivenSpouseLeftBeforeTheNewEffectiveDate_WhenNewSpouseJoins_ThenMemberJoined()
    {
        var divorced = new LocalDate(2025, 3, 31);
        var remarried = divorced.PlusDays(1);
        var given = Family.Plus(new MemberLeft(SpouseId, LeaveCause.Divorce, divorced));

        var events = given.When(Join(Relationship.Spouse, effective: remarried, born: new LocalDate(1985, 1, 1), name: "陈静"));

        events.Then(new MemberJoined(NewcomerId, "陈静", new LocalDate(1985, 1, 1), Relationship.Spouse, null, remarried));
    }

    [Fact]
    public void GivenSpouseScheduledToLeave_WhenNewSpouseJoinsBeforeHerLastDay_ThenSpouseAlreadyPresent()
    {
        var given = Family.Plus(new MemberLeft(SpouseId, LeaveCause.Divorce, new LocalDate(2025, 7, 31)));

        given.WhenRefused(Join(Relationship.Spouse, effective: new LocalDate(2025, 7, 1), born: new LocalDate(1985, 1, 1)))
            .ThenViolates("SpouseAlreadyPresent", ViolationKind.Conflict);
    }

    [Fact]
    public void GivenSpouseIsCurrentMember_WhenAChildJoins_ThenNoSpouseConflict()
    {
        var born = new LocalDate(2025, 6, 10);

        var events = Family.When(Join(Relationship.Child, effective: born, born: born));

        Assert.Equal(Relationship.Child, Assert.IsType<MemberJoined>(Assert.Single(events)).Relationship);
    }

    [Fact]
    public void GivenMemberJoined_WhenFolded_ThenHouseholdHasTheNewMemberFromTheEffectiveDate()
    {
        var events = JustOpened.When(Join());
        var household = State(JustOpened.Plus([.. events]));

        Assert.Equal([HolderId], household.MembersOn(MovedIn.PlusDays(-1)).Select(p => p.PersonId));
        Assert.Equal([HolderId, NewcomerId], household.MembersOn(MovedIn).Select(p => p.PersonId));
    }
}

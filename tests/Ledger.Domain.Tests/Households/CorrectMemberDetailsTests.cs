using Ledger.Domain.Households;
using NodaTime;
using static Ledger.Domain.Tests.Households.Given;

namespace Ledger.Domain.Tests.Households;

public class CorrectMemberDetailsTests
{
    private static CorrectMemberDetails Correct(
        Guid personId,
        string? name = null,
        LocalDate? dateOfBirth = null,
        Relationship? relationship = null,
        string? idNumber = null,
        LocalDate? effective = null) =>
        new CorrectMemberDetails(name, dateOfBirth, relationship, idNumber, effective) { PersonId = personId };

    [Fact]
    public void GivenSpouseJoined_WhenHerNameIsCorrected_ThenOnlyTheNameIsInTheEvent()
    {
        Family.When(Correct(SpouseId, name: "李娜娜"))
            .Then(new MemberDetailsCorrected(SpouseId, "李娜娜", null, null, null, SpouseJoined));
    }

    [Fact]
    public void GivenSpouseJoined_WhenCorrectionRepeatsSomeCurrentDetails_ThenOnlyTheChangedFieldsAreInTheEvent()
    {
        var correctedBirth = new LocalDate(1982, 3, 11);

        var events = Family.When(Correct(SpouseId, name: SpouseName, dateOfBirth: correctedBirth, relationship: Relationship.Spouse, idNumber: SpouseIdNumber));

        events.Then(new MemberDetailsCorrected(SpouseId, null, correctedBirth, null, null, SpouseJoined));
    }

    [Fact]
    public void GivenChildWithoutIdNumber_WhenIdNumberIsRecorded_ThenMemberDetailsCorrected()
    {
        Family.When(Correct(ChildId, idNumber: "110101202403200044"))
            .Then(new MemberDetailsCorrected(ChildId, null, null, null, "110101202403200044", ChildBorn));
    }

    [Fact]
    public void GivenSpouseJoined_WhenCorrectionChangesNothing_ThenNoEvents()
    {
        var events = Family.When(Correct(SpouseId, name: SpouseName, dateOfBirth: SpouseBorn, relationship: Relationship.Spouse, idNumber: SpouseIdNumber));

        Assert.Empty(events);
    }

    [Fact]
    public void GivenNameAlreadyCorrected_WhenTheSameCorrectionArrivesAgain_ThenNoEvents()
    {
        var given = Family.Plus(new MemberDetailsCorrected(SpouseId, "李娜娜", null, null, null, SpouseJoined));

        Assert.Empty(given.When(Correct(SpouseId, name: "李娜娜")));
    }

    [Fact]
    public void GivenHolder_WhenRelationshipSelfIsRestated_ThenNoEvents()
    {
        Assert.Empty(Family.When(Correct(HolderId, relationship: Relationship.Self)));
    }

    [Fact]
    public void GivenSpouseJoined_WhenCorrectedWithAnExplicitEffectiveDate_ThenTheEventCarriesIt()
    {
        var from = new LocalDate(2025, 1, 1);

        Family.When(Correct(SpouseId, name: "李娜娜", effective: from))
            .Then(new MemberDetailsCorrected(SpouseId, "李娜娜", null, null, null, from));
    }

    [Fact]
    public void GivenChild_WhenMadeSelf_ThenHolderRelationship()
    {
        Family.WhenRefused(Correct(ChildId, relationship: Relationship.Self))
            .ThenViolates("HolderRelationship", ViolationKind.Rule);
    }

    [Fact]
    public void GivenHolder_WhenMadeSpouse_ThenHolderRelationship()
    {
        Family.WhenRefused(Correct(HolderId, relationship: Relationship.Spouse))
            .ThenViolates("HolderRelationship", ViolationKind.Rule);
    }

    [Fact]
    public void GivenChild_WhenCorrectedToOther_ThenRelationshipChanges()
    {
        Family.When(Correct(ChildId, relationship: Relationship.Other))
            .Then(new MemberDetailsCorrected(ChildId, null, null, Relationship.Other, null, ChildBorn));
    }

    [Fact]
    public void GivenSpouseJoinedOnFirstOfFebruary_WhenDateOfBirthCorrectedToTheDayAfter_ThenJoinBeforeBirth()
    {
        Family.WhenRefused(Correct(SpouseId, dateOfBirth: SpouseJoined.PlusDays(1)))
            .ThenViolates("JoinBeforeBirth", ViolationKind.Rule);
    }

    [Fact]
    public void GivenHolder_WhenDateOfBirthCorrectedToAfterTheOpening_ThenJoinBeforeBirth()
    {
        Family.WhenRefused(Correct(HolderId, dateOfBirth: OpenedOn.PlusDays(1)))
            .ThenViolates("JoinBeforeBirth", ViolationKind.Rule);
    }

    [Fact]
    public void GivenNewbornJoinedOnTheDayOfBirth_WhenBirthCorrectedToTheDayBefore_ThenMemberDetailsCorrected()
    {
        Family.When(Correct(ChildId, dateOfBirth: ChildBorn.PlusDays(-1)))
            .Then(new MemberDetailsCorrected(ChildId, null, ChildBorn.PlusDays(-1), null, null, ChildBorn));
    }

    [Fact]
    public void GivenMemberScheduledToJoin_WhenDateOfBirthCorrectedToTomorrow_ThenBirthDateInFuture()
    {
        var given = Family.Plus(new MemberJoined(NewcomerId, "王芳", new LocalDate(1955, 8, 1), Relationship.Parent, null, Today.PlusDays(30)));

        given.WhenRefused(Correct(NewcomerId, dateOfBirth: Today.PlusDays(1)))
            .ThenViolates("BirthDateInFuture", ViolationKind.Rule);
    }

    [Fact]
    public void GivenFamily_WhenAStrangerIsCorrected_ThenUnknownPerson()
    {
        Family.WhenRefused(Correct(StrangerId, name: "某人"))
            .ThenViolates("UnknownPerson", ViolationKind.NotFound);
    }

    [Fact]
    public void GivenNoHousehold_WhenCorrecting_ThenUnknownHousehold()
    {
        object[] nothing = [];

        nothing.WhenRefused(Correct(SpouseId, name: "某人")).ThenViolates("UnknownHousehold", ViolationKind.NotFound);
    }

    [Fact]
    public void GivenSpouseLeft_WhenHerNameIsCorrected_ThenFormerMembersCanStillBeCorrected()
    {
        var given = Family.Plus(new MemberLeft(SpouseId, LeaveCause.Divorce, new LocalDate(2025, 3, 31)));

        given.When(Correct(SpouseId, name: "李娜娜"))
            .Then(new MemberDetailsCorrected(SpouseId, "李娜娜", null, null, null, SpouseJoined));
    }

    [Fact]
    public void GivenSpouseIsCurrentMember_WhenChildIsCorrectedToSpouse_ThenSpouseAlreadyPresent()
    {
        Family.WhenRefused(Correct(ChildId, relationship: Relationship.Spouse))
            .ThenViolates("SpouseAlreadyPresent", ViolationKind.Conflict);
    }

    [Fact]
    public void GivenSpouseIsCurrentMember_WhenChildIdNumberIsCorrectedToTheSpouses_ThenDuplicateMember()
    {
        Family.WhenRefused(Correct(ChildId, idNumber: SpouseIdNumber))
            .ThenViolates("DuplicateMember", ViolationKind.Conflict);
    }

    [Fact]
    public void GivenNoFieldToCorrect_WhenValidated_ThenAtLeastOneFieldRequired()
    {
        var error = Assert.Single(new CorrectMemberDetails().Validate());

        Assert.Equal("", error.Field);
        Assert.Contains("at least one", error.Message);
    }

    [Fact]
    public void GivenOnlyAnEffectiveDate_WhenValidated_ThenAtLeastOneFieldRequired()
    {
        Assert.Equal([""], new CorrectMemberDetails(EffectiveDate: new LocalDate(2025, 1, 1)).ErrorFields());
    }

    [Theory]
    [InlineData("name")]
    [InlineData("dateOfBirth")]
    [InlineData("relationship")]
    [InlineData("idNumber")]
    public void GivenAnyOneField_WhenValidated_ThenNoErrors(string field)
    {
        var command = field switch
        {
            "name" => new CorrectMemberDetails(Name: "李娜娜"),
            "dateOfBirth" => new CorrectMemberDetails(DateOfBirth: new LocalDate(1982, 3, 11)),
            "relationship" => new CorrectMemberDetails(Relationship: Relationship.Other),
            "idNumber" => new CorrectMemberDetails(IdNumber: "110101198203110022"),
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };

        Assert.Empty(command.Validate());
    }

    [Fact]
    public void GivenMalformedFields_WhenValidated_ThenEachIsRejectedByItsJsonName()
    {
        var command = new CorrectMemberDetails(
            Name: " ",
            DateOfBirth: new LocalDate(1899, 12, 31),
            Relationship: (Relationship)42,
            IdNumber: "a b",
            EffectiveDate: new LocalDate(2201, 1, 1));

        Assert.Equal(["name", "dateOfBirth", "relationship", "idNumber", "effectiveDate"], command.ErrorFields());
    }

    [Fact]
    public void GivenNameWithControlCharacter_WhenValidated_ThenNameRejected()
    {
        Assert.Equal(["name"], new CorrectMemberDetails(Name: "李\n娜").ErrorFields());
    }

    [Fact]
    public void GivenEmptyIdNumber_WhenValidated_ThenIdNumberRejected()
    {
        Assert.Equal(["idNumber"], new CorrectMemberDetails(IdNumber: "").ErrorFields());
    }
}

using Ledger.Domain.Households;
using NodaTime;
using static Ledger.Domain.Tests.Households.Given;

namespace Ledger.Domain.Tests.Households;

public class OpenHouseholdTests
{
    private static readonly object[] Nothing = [];

    private static OpenHousehold Open(LocalDate? holderBorn = null, LocalDate? openedOn = null, string? idNumber = HolderIdNumber) =>
        new OpenHousehold(new PersonDetails(HolderName, holderBorn ?? HolderBorn, idNumber), openedOn ?? OpenedOn)
        {
            HouseholdId = HouseholdId,
            HolderId = HolderId,
            HouseholdNumber = HouseholdNumber,
        };

    [Fact]
    public void GivenNothing_WhenOpening_ThenHouseholdOpenedAndHolderJoinedAsSelf()
    {
        Nothing.When(Open()).Then(
            new HouseholdOpened(HouseholdId, HouseholdNumber, HolderId, OpenedOn),
            new MemberJoined(HolderId, HolderName, HolderBorn, Relationship.Self, HolderIdNumber, OpenedOn));
    }

    [Fact]
    public void GivenNothing_WhenOpeningWithoutIdNumber_ThenHolderJoinsWithoutIdNumber()
    {
        var events = Nothing.When(Open(idNumber: null));

        var joined = Assert.IsType<MemberJoined>(events[1]);
        Assert.Null(joined.IdNumber);
        Assert.Equal(HolderId, joined.PersonId);
    }

    [Fact]
    public void GivenNothing_WhenOpeningBackdated_ThenOpenedOnThatDate()
    {
        var backdated = new LocalDate(2020, 7, 1);

        var events = Nothing.When(Open(openedOn: backdated));

        Assert.Equal(backdated, Assert.IsType<HouseholdOpened>(events[0]).EffectiveDate);
        Assert.Equal(backdated, Assert.IsType<MemberJoined>(events[1]).EffectiveDate);
    }

    [Fact]
    public void GivenNothing_WhenOpenedEventsAreFolded_ThenHolderIsTheOnlyMember()
    {
        var household = State([.. Nothing.When(Open())]);

        Assert.Equal(HouseholdId, household.Id);
        Assert.Equal(HouseholdNumber, household.Number);
        Assert.Equal(HolderId, household.HolderId);
        Assert.Equal(OpenedOn, household.OpenedOn);
        var holder = Assert.Single(household.MembersOn(OpenedOn));
        Assert.Equal(HolderId, holder.PersonId);
        Assert.Equal(Relationship.Self, holder.Relationship);
    }

    [Fact]
    public void GivenNothing_WhenHolderBirthDateIsTomorrow_ThenBirthDateInFuture()
    {
        Nothing.WhenRefused(Open(holderBorn: Today.PlusDays(1), openedOn: Today.PlusDays(2)))
            .ThenViolates("BirthDateInFuture", ViolationKind.Rule);
    }

    [Fact]
    public void GivenNothing_WhenHolderWasBornToday_ThenNotBirthDateInFuture()
    {
        var events = Nothing.When(Open(holderBorn: Today, openedOn: Today));

        Assert.Equal(2, events.Count);
    }

    [Fact]
    public void GivenNothing_WhenOpenedTheDayBeforeHolderWasBorn_ThenOpenedBeforeBirth()
    {
        Nothing.WhenRefused(Open(holderBorn: new LocalDate(2000, 1, 10), openedOn: new LocalDate(2000, 1, 9)))
            .ThenViolates("OpenedBeforeBirth", ViolationKind.Rule);
    }

    [Fact]
    public void GivenNothing_WhenOpening367DaysAhead_ThenEffectiveDateTooFarAhead()
    {
        Nothing.WhenRefused(Open(openedOn: Today.PlusDays(367)))
            .ThenViolates("EffectiveDateTooFarAhead", ViolationKind.Rule);
    }

    [Fact]
    public void GivenNothing_WhenOpeningExactly366DaysAhead_ThenAccepted()
    {
        var openedOn = Today.PlusDays(366);

        var events = Nothing.When(Open(openedOn: openedOn));

        Assert.Equal(new HouseholdOpened(HouseholdId, HouseholdNumber, HolderId, openedOn), events[0]);
    }

    [Fact]
    public void GivenHouseholdOpened_WhenOpeningAgain_ThenHouseholdExists()
    {
        JustOpened.WhenRefused(Open())
            .ThenViolates("HouseholdExists", ViolationKind.Conflict);
    }

    [Fact]
    public void GivenValidOpening_WhenValidated_ThenNoErrors()
    {
        Assert.Empty(Open().Validate());
    }

    [Fact]
    public void GivenBlankHolderNameAndSpacedIdNumber_WhenValidated_ThenHolderFieldsNamedByJsonPath()
    {
        var command = Open(idNumber: "1101 0119") with { Holder = new PersonDetails("  ", HolderBorn, "1101 0119") };

        Assert.Equal(["holder.name", "holder.idNumber"], command.ErrorFields());
    }

    [Fact]
    public void GivenDatesOutsideTheLedgerRange_WhenValidated_ThenHolderDateOfBirthAndOpenedOnRejected()
    {
        var command = Open(holderBorn: new LocalDate(1899, 12, 31), openedOn: new LocalDate(2201, 1, 1));

        Assert.Equal(["holder.dateOfBirth", "openedOn"], command.ErrorFields());
    }
}

using Ledger.Domain.Households;
using NodaTime;
using static Ledger.Domain.Tests.Households.Given;

namespace Ledger.Domain.Tests.Households;

public class HouseholdFoldTests
{
    /// <summary>An event this version of the domain does not know (written by a newer version).</summary>
    private sealed record ConsentRecorded(Guid PersonId, LocalDate EffectiveDate) : IHouseholdEvent;

    [Fact]
    public void GivenNoEvents_WhenFolded_ThenNoHousehold()
    {
        Assert.Null(Household.Fold([]));
    }

    [Fact]
    public void GivenOnlyAMemberJoinedWithoutOpening_WhenFolded_ThenNoHousehold()
    {
        Assert.Null(Household.Fold([HolderJoined]));
    }

    [Fact]
    public void GivenHouseholdOpened_WhenFolded_ThenIdentityAndOpeningDateAreKept()
    {
        var household = State(Opened);

        Assert.Equal(HouseholdId, household.Id);
        Assert.Equal(HouseholdNumber, household.Number);
        Assert.Equal(HolderId, household.HolderId);
        Assert.Equal(OpenedOn, household.OpenedOn);
        Assert.Empty(household.People);
    }

    [Fact]
    public void GivenFamily_WhenFolded_ThenPeopleInTheOrderTheyJoined()
    {
        var household = State(Family);

        Assert.Equal([HolderId, SpouseId, ChildId], household.People.Select(p => p.PersonId));
        Assert.Equal(
            new Person(SpouseId, SpouseName, SpouseBorn, Relationship.Spouse, SpouseIdNumber, SpouseJoined, null, null),
            household.Person(SpouseId));
    }

    [Fact]
    public void GivenMemberLeft_WhenFolded_ThenLastDayAndCauseAreRecorded()
    {
        var lastDay = new LocalDate(2025, 3, 31);

        var spouse = State(Family.Plus(new MemberLeft(SpouseId, LeaveCause.Divorce, lastDay))).Person(SpouseId);

        Assert.NotNull(spouse);
        Assert.True(spouse.HasLeft);
        Assert.Equal(lastDay, spouse.LeftOn);
        Assert.Equal(LeaveCause.Divorce, spouse.LeaveCause);
    }

    [Fact]
    public void GivenMemberLeft_WhenAskedWhoIsAMember_ThenBothTheJoinDayAndTheLastDayAreIncluded()
    {
        var lastDay = new LocalDate(2025, 3, 31);
        var household = State(Family.Plus(new MemberLeft(SpouseId, LeaveCause.Divorce, lastDay)));
        var spouse = household.Person(SpouseId)!;

        Assert.False(spouse.IsMemberOn(SpouseJoined.PlusDays(-1)));
        Assert.True(spouse.IsMemberOn(SpouseJoined));
        Assert.True(spouse.IsMemberOn(lastDay));
        Assert.False(spouse.IsMemberOn(lastDay.PlusDays(1)));
        Assert.Equal([HolderId, SpouseId, ChildId], household.MembersOn(lastDay).Select(p => p.PersonId));
        Assert.Equal([HolderId, ChildId], household.MembersOn(lastDay.PlusDays(1)).Select(p => p.PersonId));
    }

    [Fact]
    public void GivenFamily_WhenAnUnknownEventFollows_ThenTheStateIsUnchanged()
    {
        var before = State(Family);

        var after = Household.Next(before, new ConsentRecorded(SpouseId, Today));

        Assert.Same(before, after);
    }

    [Fact]
    public void GivenUnknownEventsInTheStream_WhenFolded_ThenTheyAreSkipped()
    {
        var household = State(Opened, new ConsentRecorded(HolderId, OpenedOn), HolderJoined, "not an event at all", SpouseJoinedEvent);

        Assert.Equal([HolderId, SpouseId], household.People.Select(p => p.PersonId));
    }

    [Fact]
    public void GivenUnknownEventBeforeOpening_WhenFolded_ThenTheHouseholdStillOpens()
    {
        var household = State(new ConsentRecorded(HolderId, OpenedOn), Opened, HolderJoined);

        Assert.Equal(HouseholdId, household.Id);
        Assert.Single(household.People);
    }

    [Fact]
    public void GivenFamily_WhenAnEventNamesAPersonNotInTheHousehold_ThenTheStateIsUnchanged()
    {
        var before = State(Family);

        Assert.Same(before, before.After(new MemberLeft(StrangerId, LeaveCause.Moved, Today)));
        Assert.Same(before, before.After(new MemberDetailsCorrected(StrangerId, "某人", null, null, null, Today)));
    }

    [Fact]
    public void GivenFamily_WhenAMemberLeaves_ThenTheEarlierStateIsNotModified()
    {
        var before = State(Family);

        var after = before.After(new MemberLeft(SpouseId, LeaveCause.Moved, Today));

        Assert.NotSame(before, after);
        Assert.Null(before.Person(SpouseId)!.LeftOn);
        Assert.Equal(Today, after.Person(SpouseId)!.LeftOn);
    }

    [Fact]
    public void GivenCorrection_WhenFolded_ThenOnlyTheGivenFieldsChange()
    {
        var correctedBirth = new LocalDate(1982, 3, 11);

        var spouse = State(Family.Plus(new MemberDetailsCorrected(SpouseId, null, correctedBirth, null, null, SpouseJoined)))
            .Person(SpouseId);

        Assert.Equal(
            new Person(SpouseId, SpouseName, correctedBirth, Relationship.Spouse, SpouseIdNumber, SpouseJoined, null, null),
            spouse);
    }

    [Fact]
    public void GivenMemberLeftThenCorrected_WhenFolded_ThenTheLeaveIsKept()
    {
        var lastDay = new LocalDate(2025, 3, 31);

        var spouse = State(Family.Plus(
                new MemberLeft(SpouseId, LeaveCause.Divorce, lastDay),
                new MemberDetailsCorrected(SpouseId, "李娜娜", null, Relationship.Other, null, SpouseJoined)))
            .Person(SpouseId);

        Assert.Equal(
            new Person(SpouseId, "李娜娜", SpouseBorn, Relationship.Other, SpouseIdNumber, SpouseJoined, lastDay, LeaveCause.Divorce),
            spouse);
    }

    [Theory]
    [InlineData(2025, 5, 19, 44)]
    [InlineData(2025, 5, 20, 45)]
    [InlineData(1980, 5, 20, 0)]
    [InlineData(1981, 5, 19, 0)]
    [InlineData(1981, 5, 20, 1)]
    public void GivenHolderBornOn20May1980_WhenAskedTheAge_ThenWholeYearsCompleted(int year, int month, int day, int age)
    {
        var holder = State(JustOpened).Person(HolderId)!;

        Assert.Equal(age, holder.AgeOn(new LocalDate(year, month, day)));
    }
}

using Ledger.Domain.Households;
using NodaTime;
using static Ledger.Domain.Tests.Households.Given;

namespace Ledger.Domain.Tests.Households;

public class CoverageViewTests
{
    private static readonly LocalDate SpouseLastDay = new(2025, 3, 31);

    private static Household FamilyWhereSpouseLeft() =>
        State(Family.Plus(new MemberLeft(SpouseId, LeaveCause.Divorce, SpouseLastDay)));

    [Fact]
    public void GivenFamily_WhenViewed_ThenTheViewCarriesTheHouseholdAndTheDatesAskedFor()
    {
        var household = State(Family);
        household.Version = 4;
        var knownAt = Instant.FromUtc(2025, 6, 1, 8, 30);

        var view = CoverageView.Of(household, Today, knownAt);

        Assert.Equal(HouseholdId, view.HouseholdId);
        Assert.Equal(HouseholdNumber, view.HouseholdNumber);
        Assert.Equal(4, view.Version);
        Assert.Equal(Today, view.On);
        Assert.Equal(knownAt, view.KnownAt);
        Assert.Equal(OpenedOn, view.OpenedOn);
        Assert.Equal(HolderId, view.HolderId);
        Assert.Equal([HolderId, SpouseId, ChildId], view.Members.Select(m => m.PersonId));
    }

    [Fact]
    public void GivenSpouseJoinedOnFirstOfFebruary_WhenViewedTheDayBefore_ThenNotYetJoined()
    {
        Assert.Equal(MembershipStatus.NotYetJoined, State(Family).View(SpouseId, SpouseJoined.PlusDays(-1)).Status);
    }

    [Fact]
    public void GivenSpouseJoinedOnFirstOfFebruary_WhenViewedOnThatDay_ThenMember()
    {
        Assert.Equal(MembershipStatus.Member, State(Family).View(SpouseId, SpouseJoined).Status);
    }

    [Fact]
    public void GivenSpouseLeft_WhenViewedOnHerLastDay_ThenStillAMember()
    {
        var view = FamilyWhereSpouseLeft().View(SpouseId, SpouseLastDay);

        Assert.Equal(MembershipStatus.Member, view.Status);
        Assert.Equal(SpouseLastDay, view.LeftOn);
    }

    [Fact]
    public void GivenSpouseLeft_WhenViewedTheDayAfterHerLastDay_ThenLeft()
    {
        var view = FamilyWhereSpouseLeft().View(SpouseId, SpouseLastDay.PlusDays(1));

        Assert.Equal(MembershipStatus.Left, view.Status);
        Assert.Equal(LeaveCause.Divorce, view.LeaveCause);
    }

    [Fact]
    public void GivenSpouseLeft_WhenViewedBeforeSheLeft_ThenTheViewStillShowsTheScheduledLeave()
    {
        var view = FamilyWhereSpouseLeft().View(SpouseId, SpouseJoined);

        Assert.Equal(MembershipStatus.Member, view.Status);
        Assert.Equal(SpouseLastDay, view.LeftOn);
        Assert.Equal(LeaveCause.Divorce, view.LeaveCause);
    }

    [Fact]
    public void GivenMemberJoinedAndLeftOnTheSameDay_WhenViewedAroundThatDay_ThenOneDayOfMembership()
    {
        var day = new LocalDate(2025, 1, 15);
        var household = State(Family.Plus(
            new MemberJoined(NewcomerId, "王芳", new LocalDate(1955, 8, 1), Relationship.Parent, null, day),
            new MemberLeft(NewcomerId, LeaveCause.Moved, day)));

        Assert.Equal(MembershipStatus.NotYetJoined, household.View(NewcomerId, day.PlusDays(-1)).Status);
        Assert.Equal(MembershipStatus.Member, household.View(NewcomerId, day).Status);
        Assert.Equal(MembershipStatus.Left, household.View(NewcomerId, day.PlusDays(1)).Status);
    }

    [Fact]
    public void GivenFamily_WhenViewedOnTheOpeningDay_ThenOnlyTheHolderIsAMember()
    {
        var view = CoverageView.Of(State(Family), OpenedOn, null);

        Assert.Equal(
            [(HolderId, MembershipStatus.Member), (SpouseId, MembershipStatus.NotYetJoined), (ChildId, MembershipStatus.NotYetJoined)],
            view.Members.Select(m => (m.PersonId, m.Status)));
    }

    [Fact]
    public void GivenHolderBornOn20May1980_WhenViewedOnAndBeforeHisBirthday_ThenAgeOnThatDate()
    {
        var household = State(Family);

        Assert.Equal(44, household.View(HolderId, new LocalDate(2025, 5, 19)).Age);
        Assert.Equal(45, household.View(HolderId, new LocalDate(2025, 5, 20)).Age);
    }

    [Theory]
    [InlineData(LeaveCause.Death, 43)]
    [InlineData(LeaveCause.Divorce, 47)]
    public void GivenSpouseLeftOn1June2025_WhenViewedIn2030_ThenTheDeadKeepTheirAgeAtDeath_TheLivingAge(LeaveCause cause, int ageIn2030)
    {
        // 李娜, born 1982-03-10, is 43 on 2025-06-01, her last day in the household.
        var household = State(Family.Plus(new MemberLeft(SpouseId, cause, new LocalDate(2025, 6, 1))));

        Assert.Equal(43, household.View(SpouseId, new LocalDate(2025, 6, 1)).Age);
        Assert.Equal(ageIn2030, household.View(SpouseId, new LocalDate(2030, 1, 1)).Age);
    }

    [Fact]
    public void GivenChildBornInMarch2024_WhenViewedBeforeBirth_ThenNoAgeAndNotYetJoined()
    {
        var view = State(Family).View(ChildId, OpenedOn);

        Assert.Null(view.Age);
        Assert.Equal(MembershipStatus.NotYetJoined, view.Status);
    }

    [Fact]
    public void GivenChildBornInMarch2024_WhenViewedOnTheDayOfBirth_ThenAgeZeroAndMember()
    {
        var view = State(Family).View(ChildId, ChildBorn);

        Assert.Equal(0, view.Age);
        Assert.Equal(MembershipStatus.Member, view.Status);
    }

    [Fact]
    public void GivenMemberBornOnLeapDay_WhenViewedOnFirstOfMarchOfTheNextYear_ThenOneYearOld()
    {
        var leapling = new LocalDate(2024, 2, 29);
        var household = State(JustOpened.Plus(new MemberJoined(NewcomerId, "张闰", leapling, Relationship.Child, null, leapling)));

        Assert.Equal(0, household.View(NewcomerId, new LocalDate(2025, 2, 27)).Age);
        Assert.Equal(1, household.View(NewcomerId, new LocalDate(2025, 3, 1)).Age);
    }

    [Fact]
    public void GivenNameAndBirthCorrected_WhenViewed_ThenTheViewShowsTheCorrectedDetails()
    {
        var correctedBirth = new LocalDate(1982, 7, 10);
        var household = State(Family.Plus(new MemberDetailsCorrected(SpouseId, "李娜娜", correctedBirth, null, null, SpouseJoined)));

        var view = household.View(SpouseId, new LocalDate(2025, 6, 1));

        Assert.Equal("李娜娜", view.Name);
        Assert.Equal(correctedBirth, view.DateOfBirth);
        Assert.Equal(42, view.Age); // 43 with the birth date first recorded (1982-03-10)
        Assert.Equal(SpouseIdNumber, view.IdNumber);
        Assert.Equal(Relationship.Spouse, view.Relationship);
    }

    [Fact]
    public void GivenCorrection_WhenViewed_ThenMembershipDatesAreNotChanged()
    {
        var household = State(Family.Plus(
            new MemberLeft(SpouseId, LeaveCause.Divorce, SpouseLastDay),
            new MemberDetailsCorrected(SpouseId, "李娜娜", new LocalDate(1982, 7, 10), null, null, new LocalDate(2025, 1, 1))));

        var view = household.View(SpouseId, SpouseLastDay);

        Assert.Equal(SpouseJoined, view.JoinedOn);
        Assert.Equal(SpouseLastDay, view.LeftOn);
        Assert.Equal(LeaveCause.Divorce, view.LeaveCause);
        Assert.Equal(MembershipStatus.Member, view.Status);
    }

    [Fact]
    public void GivenCorrection_WhenTheStreamIsReplayedUpToBeforeIt_ThenTheOriginalDetailsAreStillThere()
    {
        var original = SpouseJoinedEvent;
        var stream = Family.Plus(new MemberDetailsCorrected(SpouseId, "李娜娜", new LocalDate(1982, 7, 10), null, null, SpouseJoined));

        var corrected = State(stream).View(SpouseId, Today);
        var asFirstRecorded = State(stream[..^1]).View(SpouseId, Today);

        Assert.Equal("李娜娜", corrected.Name);
        Assert.Equal(SpouseName, asFirstRecorded.Name);
        Assert.Equal(SpouseBorn, asFirstRecorded.DateOfBirth);
        Assert.Equal(original, stream[2]);
    }
}

using Ledger.Domain.Policies;
using NodaTime;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Policies;

/// <summary>
/// DOMAIN.md worked example 1: medical plan 2025-01-01..2025-12-31 with a 30-day waiting period; a child is added
/// effective 2025-03-20. The child's premium is annual × 287/365 and illness cover starts after their own waiting period.
/// </summary>
public class NewbornMidTermTests
{
    private static readonly LocalDate Added = D(2025, 3, 20);
    private const decimal NewbornAnnual = 3650m;

    private static AddInsured AddNewborn(LocalDate effective) => new AddInsured(NewbornId, effective, NewbornAnnual) { PolicyId = MedicalId };

    private static object[] GivenNewbornBorn => FamilyWithPaidMedical.Plus(NewbornJoined);

    private static object[] GivenNewbornAdded => GivenNewbornBorn.AndThen(AddNewborn(Added), Added);

    [Fact]
    public void GivenNewbornBornMidTerm_WhenAddedOnTheDayOfBirth_ThenPremiumIs287Of365DaysAndIllnessCoverFromDay31()
    {
        GivenNewbornBorn.Decide(AddNewborn(Added), today: Added).ThenEvents(
            new InsuredAdded(MedicalId, NewbornId, NewbornAnnual, 2870.00m, D(2025, 4, 19), Added),
            new PremiumDue(MedicalId, 2870.00m, "insuredAdded", Added));
    }

    [Fact]
    public void GivenNewbornAdded_ThenPremiumDeltaIsExactlyAnnualTimes287Over365()
    {
        var added = Assert.IsType<InsuredAdded>(GivenNewbornBorn.Decide(AddNewborn(Added), today: Added)[0]);

        Assert.Equal(287, Period.DaysBetween(Added, TermEnd) + 1);
        Assert.Equal(NewbornAnnual * 287m / 365m, added.PremiumDelta);
        Assert.Equal(2870.00m, added.PremiumDelta);
    }

    [Fact]
    public void GivenNewbornAddedMidTerm_WhenIllnessOnDay6_ThenNotCovered()
    {
        Assert.False(GivenNewbornAdded.PolicyOf(MedicalId).Covers(NewbornId, D(2025, 3, 25), illness: true));
    }

    [Fact]
    public void GivenNewbornAddedMidTerm_WhenAccidentOnDay6_ThenCovered()
    {
        Assert.True(GivenNewbornAdded.PolicyOf(MedicalId).Covers(NewbornId, D(2025, 3, 25), illness: false));
    }

    [Fact]
    public void GivenNewbornAddedMidTerm_WhenIllnessOnLastWaitingDay_ThenNotCovered()
    {
        Assert.False(GivenNewbornAdded.PolicyOf(MedicalId).Covers(NewbornId, D(2025, 4, 18), illness: true));
    }

    [Fact]
    public void GivenNewbornAddedMidTerm_WhenIllnessOnDay31_ThenCovered()
    {
        Assert.True(GivenNewbornAdded.PolicyOf(MedicalId).Covers(NewbornId, D(2025, 4, 19), illness: true));
    }

    [Fact]
    public void GivenNewbornAddedMidTerm_WhenAccidentTheDayBeforeBeingAdded_ThenNotCovered()
    {
        Assert.False(GivenNewbornAdded.PolicyOf(MedicalId).Covers(NewbornId, Added.PlusDays(-1), illness: false));
    }

    [Fact]
    public void GivenNewbornAddedMidTerm_ThenTheParentsKeepTheirOwnWaitingPeriodFromTheTermStart()
    {
        var policy = GivenNewbornAdded.PolicyOf(MedicalId);

        Assert.True(policy.Covers(HolderId, D(2025, 3, 25), illness: true));
        Assert.Equal(D(2025, 1, 31), policy.IllnessCoverFrom(policy.CoverOf(HolderId)!, D(2025, 3, 25)));
    }

    [Fact]
    public void GivenNewbornAddedMidTerm_WhenViewedOnDay6_ThenTheViewShowsTheNewbornsOwnWaitingPeriod()
    {
        var view = GivenNewbornAdded.ViewOf(MedicalId, D(2025, 3, 25));
        var newborn = view.CoverOf(NewbornId);

        Assert.Equal(Added, newborn.CoverFrom);
        Assert.Equal(D(2025, 4, 19), newborn.IllnessCoverFrom);
        Assert.Equal(TermEnd, newborn.CoverTo);
        Assert.True(newborn.Covered);
        Assert.False(newborn.IllnessCovered);
        Assert.Equal(NewbornAnnual, newborn.AnnualPremium);
        Assert.Equal(FirstPremium + NewbornAnnual, view.AnnualPremium);
        Assert.Equal(2870.00m, view.PremiumBalance);
    }

    [Fact]
    public void GivenNewbornJoinsOnMarch20_WhenAddedEffectiveMarch10_ThenNotAMember()
    {
        GivenNewbornBorn.Refused(AddNewborn(D(2025, 3, 10)), today: Added).Violates("NotAMember", ViolationKind.Rule);
    }
}

using Ledger.Domain.Policies;
using NodaTime;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Policies;

/// <summary>
/// The sweep records the time-driven transitions due by a date (grace started, suspended, renewal due, expired) once:
/// run again on its own result it records nothing.
/// </summary>
public class SweepTests
{
    private static SweepHousehold Sweep(LocalDate on) => new(on);

    private static void ThenSweepingAgainRecordsNothing(object[] given, LocalDate on) =>
        given.AndThen(Sweep(on), on).Decide(Sweep(on), on).ThenNoEvents();

    [Fact]
    public void GivenFirstPremiumUnpaid_WhenSweptOnMarch3_ThenGraceStartedOnJanuary2AndSuspendedFromMarch3()
    {
        FamilyWithUnpaidMedical.Decide(Sweep(D(2025, 3, 3)), D(2025, 3, 3)).ThenEvents(
            new GracePeriodStarted(MedicalId, TermStart, D(2025, 3, 2), FirstPremium, D(2025, 1, 2)),
            new PolicySuspended(MedicalId, TermStart, D(2025, 3, 3)));
    }

    [Fact]
    public void GivenFirstPremiumUnpaid_WhenSweptTwiceOnMarch3_ThenTheSecondSweepRecordsNothing()
    {
        ThenSweepingAgainRecordsNothing(FamilyWithUnpaidMedical, D(2025, 3, 3));
    }

    [Fact]
    public void GivenFirstPremiumUnpaid_WhenSweptOnFebruary15_ThenOnlyGraceStarted()
    {
        FamilyWithUnpaidMedical.Decide(Sweep(D(2025, 2, 15)), D(2025, 2, 15)).ThenEvents(
            new GracePeriodStarted(MedicalId, TermStart, D(2025, 3, 2), FirstPremium, D(2025, 1, 2)));
    }

    [Fact]
    public void GivenGraceRecordedOnFebruary15_WhenSweptOnMarch3_ThenOnlySuspended()
    {
        var given = FamilyWithUnpaidMedical.AndThen(Sweep(D(2025, 2, 15)), D(2025, 2, 15));

        given.Decide(Sweep(D(2025, 3, 3)), D(2025, 3, 3)).ThenEvents(new PolicySuspended(MedicalId, TermStart, D(2025, 3, 3)));
    }

    [Fact]
    public void GivenFirstPremiumUnpaid_WhenSweptOnTheLastDayOfGrace_ThenNotSuspendedYet()
    {
        FamilyWithUnpaidMedical.Decide(Sweep(D(2025, 3, 2)), D(2025, 3, 2)).ThenEvents(
            new GracePeriodStarted(MedicalId, TermStart, D(2025, 3, 2), FirstPremium, D(2025, 1, 2)));
    }

    [Fact]
    public void GivenFirstPremiumUnpaid_WhenSweptOnTheDueDate_ThenNothingYet()
    {
        FamilyWithUnpaidMedical.Decide(Sweep(TermStart), TermStart).ThenNoEvents();
    }

    [Fact]
    public void GivenFirstPremiumPaidInGrace_WhenSweptInJune_ThenTheGraceThatHappenedIsRecordedWithItsEnd()
    {
        var given = FamilyWithUnpaidMedical.Plus(Paid(MedicalId, FirstPremium, D(2025, 2, 10)));

        given.Decide(Sweep(Today), Today).ThenEvents(
            new GracePeriodStarted(MedicalId, TermStart, D(2025, 3, 2), FirstPremium, D(2025, 1, 2)),
            new GracePeriodEnded(MedicalId, TermStart, D(2025, 2, 10)));
    }

    [Fact]
    public void GivenAMidTermChargePaidFourDaysLate_WhenSweptWeeksLater_ThenGraceIsRecordedFromTheDayAfterDueToThePayment()
    {
        // The newborn's 943.56, due 2025-03-20 and paid 2025-03-25; the sweep runs late, on 2025-04-10 (issue 9).
        var given = FamilyWithPaidMedical.Plus(NewbornJoined,
            new InsuredAdded(MedicalId, NewbornId, 1_200m, 943.56m, D(2025, 4, 19), NewbornBorn),
            new PremiumDue(MedicalId, 943.56m, "insuredAdded", NewbornBorn),
            Paid(MedicalId, 943.56m, D(2025, 3, 25)));

        given.Decide(Sweep(D(2025, 4, 10)), D(2025, 4, 10)).ThenEvents(
            new GracePeriodStarted(MedicalId, NewbornBorn, D(2025, 5, 19), 943.56m, D(2025, 3, 21)),
            new GracePeriodEnded(MedicalId, NewbornBorn, D(2025, 3, 25)));
        ThenSweepingAgainRecordsNothing(given, D(2025, 4, 10));
    }

    [Fact]
    public void GivenGraceRecordedWhileUnpaid_WhenThePremiumIsPaidInGrace_ThenTheNextSweepRecordsItsEnd()
    {
        var given = FamilyWithUnpaidMedical.AndThen(Sweep(D(2025, 1, 2)), D(2025, 1, 2)).Plus(Paid(MedicalId, FirstPremium, D(2025, 2, 10)));

        given.Decide(Sweep(D(2025, 2, 11)), D(2025, 2, 11)).ThenEvents(new GracePeriodEnded(MedicalId, TermStart, D(2025, 2, 10)));
    }

    [Fact]
    public void GivenAPaymentAfterGraceEnded_WhenSwept_ThenGraceEndsInSuspension_NotInTheLatePayment()
    {
        var given = FamilyWithUnpaidMedical.Plus(Paid(MedicalId, FirstPremium, D(2025, 3, 10)));

        given.Decide(Sweep(D(2025, 4, 1)), D(2025, 4, 1)).ThenEvents(
            new GracePeriodStarted(MedicalId, TermStart, D(2025, 3, 2), FirstPremium, D(2025, 1, 2)),
            new PolicySuspended(MedicalId, TermStart, D(2025, 3, 3)));
    }

    [Fact]
    public void GivenPaidUpPolicy_WhenSweptMidTerm_ThenNothing()
    {
        FamilyWithPaidMedical.Decide(Sweep(Today), Today).ThenNoEvents();
    }

    [Fact]
    public void GivenPaidUpPolicy_WhenSweptOnDecember1_ThenRenewalDueAndGuaranteed()
    {
        FamilyWithPaidMedical.Decide(Sweep(D(2025, 12, 1)), D(2025, 12, 1)).ThenEvents(
            new RenewalDue(MedicalId, TermEnd, Guaranteed: true, D(2025, 12, 1)));
    }

    [Fact]
    public void GivenPaidUpPolicy_WhenSweptOnNovember30_ThenNoRenewalDueYet()
    {
        FamilyWithPaidMedical.Decide(Sweep(D(2025, 11, 30)), D(2025, 11, 30)).ThenNoEvents();
    }

    [Fact]
    public void GivenRenewalDueRecorded_WhenSweptAgainInDecember_ThenNothing()
    {
        ThenSweepingAgainRecordsNothing(FamilyWithPaidMedical, D(2025, 12, 1));
        FamilyWithPaidMedical.AndThen(Sweep(D(2025, 12, 1)), D(2025, 12, 1)).Decide(Sweep(TermEnd), TermEnd).ThenNoEvents();
    }

    [Fact]
    public void GivenCriticalIllnessPolicyWithoutGuaranteedRenewal_WhenSweptOnDecember1_ThenRenewalDueNotGuaranteed()
    {
        Family.Plus(CriticalIllnessPaid).Decide(Sweep(D(2025, 12, 1)), D(2025, 12, 1)).ThenEvents(
            new RenewalDue(CriticalIllnessId, TermEnd, Guaranteed: false, D(2025, 12, 1)));
    }

    [Fact]
    public void GivenRenewalDueRecorded_WhenSweptTheDayAfterTheTerm_ThenExpired()
    {
        var given = FamilyWithPaidMedical.AndThen(Sweep(D(2025, 12, 1)), D(2025, 12, 1));

        given.Decide(Sweep(D(2026, 1, 1)), D(2026, 1, 1)).ThenEvents(new PolicyExpired(MedicalId, TermEnd, D(2026, 1, 1)));
    }

    [Fact]
    public void GivenPolicyExpiredRecorded_WhenSweptAgain_ThenNothing()
    {
        ThenSweepingAgainRecordsNothing(FamilyWithPaidMedical, D(2026, 1, 1));
        FamilyWithPaidMedical.AndThen(Sweep(D(2026, 1, 1)), D(2026, 1, 1)).Decide(Sweep(D(2026, 6, 1)), D(2026, 6, 1)).ThenNoEvents();
    }

    [Fact]
    public void GivenContinuousRenewal_WhenSweptOnTheNewTermsFirstDay_ThenNotExpired()
    {
        var given = FamilyWithPaidMedical
            .AndThen(new RenewPolicy(D(2026, 1, 1), D(2026, 12, 31), 6000m) { PolicyId = MedicalId }, D(2025, 12, 15))
            .Plus(Paid(MedicalId, 6000m, D(2026, 1, 1)));

        given.Decide(Sweep(D(2026, 1, 1)), D(2026, 1, 1)).ThenNoEvents();
    }

    [Fact]
    public void GivenPolicyWithdrawn_WhenSwept_ThenNothing()
    {
        var given = FamilyWithUnpaidMedical.AndThen(new WithdrawPolicy(D(2025, 1, 10)) { PolicyId = MedicalId }, D(2025, 1, 10));

        given.Decide(Sweep(D(2026, 6, 1)), D(2026, 6, 1)).ThenNoEvents();
    }

    [Fact]
    public void GivenPolicyCancelledInJune_WhenSweptAfterTheTerm_ThenNeitherRenewalDueNorExpired()
    {
        var given = FamilyWithPaidMedical.AndThen(new CancelPolicy(D(2025, 6, 30), "Moving abroad") { PolicyId = MedicalId });

        given.Decide(Sweep(D(2025, 12, 15)), D(2025, 12, 15)).ThenNoEvents();
        given.Decide(Sweep(D(2026, 1, 15)), D(2026, 1, 15)).ThenNoEvents();
    }

    [Fact]
    public void GivenSweepRecordedTransitions_ThenStatusesAreTheSameAsBefore()
    {
        var before = FamilyWithUnpaidMedical.PolicyOf(MedicalId);
        var after = FamilyWithUnpaidMedical.AndThen(Sweep(D(2025, 3, 3)), D(2025, 3, 3)).PolicyOf(MedicalId);

        foreach (var date in new[] { D(2025, 2, 15), D(2025, 3, 2), D(2025, 3, 3), D(2025, 4, 10) })
            Assert.Equal(before.StatusOn(date), after.StatusOn(date));
        Assert.Equal(PolicyStatus.Suspended, after.StatusOn(D(2025, 4, 10)));
    }
}

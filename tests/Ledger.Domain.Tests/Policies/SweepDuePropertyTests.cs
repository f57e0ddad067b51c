using CsCheck;
using Ledger.Domain.Claims;
using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using NodaTime;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Policies;

/// <summary>
/// <see cref="PolicyDecider.NextSweepDueOn"/> over random histories: the 陈 family's MED-FAMILY policy for 2025, its first
/// premium unpaid, then up to fourteen random commands, 0 to 45 days apart, decided through the public Decide on days moving forward from
/// 2024-12-20 to late 2026 (payments in full or in part, sweeps, cancellation, withdrawal, reinstatement, renewal,
/// erasure requests, claims that deduct the premium); commands the rules refuse are skipped.
/// </summary>
public class SweepDuePropertyTests
{
    private static readonly LocalDate First = D(2024, 12, 20);
    private static readonly Guid[] People = [HolderId, SpouseId, SonId];

    public sealed record Step(int Kind, int DaysLater, int Share, int Person, int Offset)
    {
        public override string ToString() => $"{Kinds[Kind]}+{DaysLater}d share{Share} p{Person} off{Offset}";
    }

    /// <summary>Payments and sweeps twice as often as the rest: a grace recorded and then settled needs both.</summary>
    private static readonly string[] Kinds = ["pay", "sweep", "pay", "sweep", "cancel", "withdraw", "reinstate", "renew", "erase", "claim"];

    private static readonly Gen<Step> StepGen =
        from kind in Gen.Int[0, Kinds.Length - 1]
        from later in Gen.Int[0, 45]
        from share in Gen.Int[1, 4]
        from person in Gen.Int[0, 2]
        from offset in Gen.Int[0, 30]
        select new Step(kind, later, share, person, offset);

    private static readonly Gen<Step[]> HistoryGen = StepGen.Array[0, 14];

    private static object Command(Step s, Household h, LocalDate today)
    {
        var policy = h.Policy(MedicalId)!;
        var owed = policy.Charges.Sum(x => x.Amount) - policy.Credits.Sum(x => x.Amount) - policy.Payments.Sum(x => x.Amount);
        return Kinds[s.Kind] switch
        {
            // Half the payments settle everything owed, the others a quarter of it.
            "pay" => new PayPremium(Math.Max(1m, s.Share > 2 ? owed : decimal.Round(owed / 4, 2)), today.PlusDays(-s.Offset)) { PolicyId = MedicalId },
            "sweep" => new SweepHousehold(today),
            "cancel" => new CancelPolicy(today.PlusDays(s.Offset), "request") { PolicyId = MedicalId },
            "withdraw" => new WithdrawPolicy(today) { PolicyId = MedicalId },
            "reinstate" => new ReinstatePolicy(today, Math.Max(0m, policy.PremiumOn(today).Balance)) { PolicyId = MedicalId },
            "renew" => new RenewPolicy(policy.LastTerm.End.PlusDays(1 + s.Offset), policy.LastTerm.End.PlusDays(1 + s.Offset).PlusYears(1).PlusDays(-1), 6000m)
                { PolicyId = MedicalId },
            "erase" => new RequestErasure(today.PlusDays(-s.Offset), "moved abroad") { PersonId = People[s.Person] },
            _ => new SubmitClaim(MedicalId, People[s.Person], today.PlusDays(-s.Offset), LossCause.Accident, 1_000m * s.Share),
        };
    }

    private static object[] Play(Step[] steps)
    {
        var events = Family.Plus(MedicalIssued);
        var today = First;
        foreach (var step in steps)
        {
            today = today.PlusDays(step.DaysLater);
            try
            {
                events = events.AndThen(Command(step, events.State(), today), today);
            }
            catch (DomainRuleViolated)
            {
            }
        }
        return events;
    }

    /// <summary>The first day a sweep records something, day by day, or null if none does by 2040.</summary>
    private static LocalDate? FirstDayDue(Household h)
    {
        for (var day = D(2024, 1, 1); day < D(2040, 1, 1); day = day.PlusDays(1))
            if (PolicyDecider.Decide(new SweepHousehold(day), h).Count > 0) return day;
        return null;
    }

    [Fact]
    public void NextSweepDueOn_IsTheFirstDayASweepRecordsSomething_NeverLater_AndNoDayBefore()
    {
        HistoryGen.Sample(steps =>
        {
            var h = Play(steps).State();
            Assert.Equal(FirstDayDue(h), PolicyDecider.NextSweepDueOn(h));
        }, iter: 150);
    }

    [Fact]
    public void AfterASweepOnADayItWasDue_NextSweepDueOn_IsLater()
    {
        HistoryGen.Sample(steps =>
        {
            var events = Play(steps);
            if (PolicyDecider.NextSweepDueOn(events.State()) is not { } due) return;
            var sweptOn = due.PlusDays(steps.Length * 7);
            var next = PolicyDecider.NextSweepDueOn(events.AndThen(new SweepHousehold(sweptOn), sweptOn).State());
            Assert.True(next is null || next > sweptOn, $"swept on {sweptOn:yyyy-MM-dd}, due again on {next:yyyy-MM-dd}");
        }, iter: 150);
    }

    [Fact]
    public void GivenExpiryRecordedByALateSweep_WhenSweptForADayOfTheNoticePeriod_ThenNoRenewalDueAfterIt()
    {
        var given = FamilyWithPaidMedical.AndThen(new SweepHousehold(D(2026, 1, 5)), D(2026, 1, 5));

        given.Decide(new SweepHousehold(D(2025, 12, 10)), D(2026, 1, 5)).ThenNoEvents();
    }

    [Fact]
    public void GivenPaidUpPolicy_ThenTheNextSweepIsDueWhenTheRenewalNoticeStarts()
    {
        Assert.Equal(D(2025, 12, 1), PolicyDecider.NextSweepDueOn(FamilyWithPaidMedical.State()));
    }

    [Fact]
    public void GivenAHouseholdWithoutPoliciesOrErasures_ThenNoSweepIsEverDue()
    {
        Assert.Null(PolicyDecider.NextSweepDueOn(Family.State()));
    }
}

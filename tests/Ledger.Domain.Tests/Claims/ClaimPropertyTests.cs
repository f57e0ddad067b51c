using CsCheck;
using Ledger.Domain.Claims;
using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using NodaTime;
using static Ledger.Domain.Tests.Claims.ClaimGiven;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Claims;

/// <summary>
/// Properties of adjudication over random histories: one MED-FAMILY policy for 2025 insuring father, mother and child
/// with random person and family deductibles and limits; random claims (person, amount 1..200,000, loss date in the
/// term up to today, illness or accident) submitted through the public Decide; some referred claims approved by a
/// reviewer, some claims withdrawn afterwards (which re-adjudicates the later ones).
/// </summary>
public class ClaimPropertyTests
{
    private static readonly Guid[] People = [FatherId, MotherId, ChildId];

    public sealed record Conditions(decimal? PersonDeductible, decimal? FamilyDeductible, decimal PersonLimit, decimal FamilyLimit);

    /// <param name="Review">Approve it if the rules referred it (for the payable the rules would pay).</param>
    /// <param name="Withdraw">Withdraw it after every claim was submitted.</param>
    public sealed record ClaimSpec(int Person, decimal Amount, int LossDay, bool Illness, bool Review, bool Withdraw);

    public sealed record Scenario(Conditions Conditions, ClaimSpec[] Claims)
    {
        public override string ToString() =>
            $"{Conditions} claims: [{string.Join("; ", Claims.Select(c => $"p{c.Person} {c.Amount} day{c.LossDay} {(c.Illness ? "ill" : "acc")}{(c.Review ? " review" : "")}{(c.Withdraw ? " withdraw" : "")}"))}]";
    }

    /// <summary>None one time in five, else 0..20,000.</summary>
    private static readonly Gen<decimal?> Deductible =
        from none in Gen.Int[0, 4]
        from amount in Gen.Int[0, 20_000]
        select none == 0 ? null : (decimal?)amount;

    private static readonly Gen<Conditions> ConditionsGen =
        from personDeductible in Deductible
        from familyDeductible in Deductible
        from personLimit in Gen.Int[10_000, 300_000]
        from familyLimit in Gen.Int[20_000, 600_000]
        select new Conditions(personDeductible, familyDeductible, personLimit, familyLimit);

    private static readonly Gen<ClaimSpec> ClaimGen =
        from person in Gen.Int[0, 2]
        from cents in Gen.Int[100, 20_000_000]
        from lossDay in Gen.Int[0, 165] // 2025-01-01 .. 2025-06-15 (today)
        from illness in Gen.Bool
        from review in Gen.Int[0, 2]
        from withdraw in Gen.Int[0, 4]
        select new ClaimSpec(person, cents / 100m, lossDay, illness, review > 0, withdraw == 0);

    private static readonly Gen<Scenario> ScenarioGen =
        from conditions in ConditionsGen
        from claims in ClaimGen.Array[1, 12]
        select new Scenario(conditions, claims);

    /// <summary>The history the scenario leaves, every command decided through <see cref="HouseholdDecider.Decide"/>.</summary>
    /// <param name="premiumPaid">
    /// False leaves the premium unpaid (in grace until 2025-03-02) and reports each claim three days after its loss, or
    /// with the claim before it if later, so that some deductions pay the premium inside the grace and some after it.
    /// </param>
    private static object[] Play(Scenario s, bool premiumPaid = true)
    {
        var conditions = MedicalConditions with
        {
            PersonDeductible = s.Conditions.PersonDeductible,
            FamilyDeductible = s.Conditions.FamilyDeductible,
            PersonAnnualLimit = s.Conditions.PersonLimit,
            FamilyAnnualLimit = s.Conditions.FamilyLimit,
        };
        var events = Family.Plus(
            new UnderwritingDecided(MedicalId, UnderwritingOutcome.Accepted, true, [], null, IssuedOn),
            new PolicyIssued(MedicalId, PolicyCategory.Medical, "MED-FAMILY", 1, HolderId, TermStart, TermEnd,
                [new(FatherId, HolderPremium), new(MotherId, SpousePremium), new(ChildId, ChildPremium)], [], conditions, TermStart),
            new PremiumDue(MedicalId, FamilyPremium, "firstTerm", TermStart));
        if (premiumPaid) events = events.Plus(Paid(MedicalId, FamilyPremium, TermStart, TermStart));

        var reportedOn = TermStart;
        for (var n = 0; n < s.Claims.Length; n++)
        {
            var c = s.Claims[n];
            var loss = TermStart.PlusDays(c.LossDay);
            reportedOn = premiumPaid ? Today : LocalDate.Min(Today, LocalDate.Max(reportedOn, loss.PlusDays(3)));
            events = events.AndThen(Loss(n, People[c.Person], loss, c.Illness ? LossCause.Illness : LossCause.Accident, c.Amount), reportedOn);
            if (c.Review && events.ClaimIn(n).Outcome == ClaimOutcome.Referred)
                events = events.AndThen(Approve(n, events.ClaimIn(n).Adjudication!.Payable), reportedOn);
        }
        for (var n = 0; n < s.Claims.Length; n++)
            if (s.Claims[n].Withdraw)
                events = events.AndThen(Withdraw(n), Today);
        return events;
    }

    private static IEnumerable<Claim> Approved(Household h) =>
        h.Claims.Where(c => !c.Withdrawn && c.Outcome == ClaimOutcome.Approved);

    [Fact]
    public void DeductiblesUsed_NeverExceedThePersonOrFamilyDeductible()
    {
        ScenarioGen.Sample(s =>
        {
            var h = Play(s).State();
            var approved = Approved(h).ToList();
            var familyUsed = approved.Sum(c => c.Adjudication!.DeductibleApplied);
            Assert.True(familyUsed <= (s.Conditions.FamilyDeductible ?? decimal.MaxValue), $"family deductible used {familyUsed}");
            if (s.Conditions.PersonDeductible is null && s.Conditions.FamilyDeductible is null) Assert.Equal(0m, familyUsed);
            foreach (var person in People)
            {
                var used = approved.Where(c => c.PersonId == person).Sum(c => c.Adjudication!.DeductibleApplied);
                Assert.True(used <= (s.Conditions.PersonDeductible ?? decimal.MaxValue), $"person deductible used {used}");
                Assert.Equal(used, ClaimEngine.CountersOn(h, MedicalId, TermStart, person, TermEnd).PersonDeductibleUsed);
            }
            var view = CountersView.Of(h, h.Policy(MedicalId)!, h.Policy(MedicalId)!.FirstTerm, TermEnd);
            Assert.Equal(Allowance.Of(s.Conditions.FamilyDeductible, familyUsed), view.FamilyDeductible);
            foreach (var c in approved)
                Assert.InRange(c.Adjudication!.DeductibleApplied, 0m, c.Amount);
        }, iter: 200);
    }

    [Fact]
    public void Benefits_NeverExceedThePersonOrFamilyAnnualLimit_AndNothingPaysMoreThanClaimed()
    {
        ScenarioGen.Sample(s =>
        {
            var h = Play(s).State();
            var approved = Approved(h).ToList();
            var familyBenefit = approved.Sum(c => c.Adjudication!.Benefit);
            Assert.True(familyBenefit <= s.Conditions.FamilyLimit, $"family benefit {familyBenefit}");
            foreach (var person in People)
            {
                var benefit = approved.Where(c => c.PersonId == person).Sum(c => c.Adjudication!.Benefit);
                Assert.True(benefit <= s.Conditions.PersonLimit, $"person benefit {benefit}");
            }
            foreach (var c in approved)
            {
                var a = c.Adjudication!;
                Assert.InRange(a.Payable, 0m, c.Amount);
                Assert.Equal(a.Benefit, a.Payable); // premium paid: nothing is deducted
                Assert.True(a.Benefit <= a.Eligible - a.DeductibleApplied, $"benefit {a.Benefit} above {a.Eligible} − {a.DeductibleApplied}");
            }
            foreach (var c in h.Claims.Where(c => !c.Withdrawn && c.Outcome == ClaimOutcome.Referred))
                Assert.Equal(c.Adjudication!.Before, c.Adjudication.After);
        }, iter: 200);
    }

    [Fact]
    public void InGrace_ThePremiumIsDeductedAtMostOnce_NeverAboveABenefit_AndTheDeductionsPayIt()
    {
        ScenarioGen.Sample(s =>
        {
            var h = Play(s, premiumPaid: false).State();
            var deducted = h.Claims.Sum(c => c.PremiumDeducted);
            Assert.InRange(deducted, 0m, FamilyPremium);
            foreach (var a in Approved(h).Select(c => c.Adjudication!))
            {
                Assert.InRange(a.UnpaidPremiumDeducted, 0m, a.Benefit);
                Assert.Equal(a.Benefit - a.UnpaidPremiumDeducted, a.Payable);
            }
            Assert.Equal(FamilyPremium - deducted, h.Policy(MedicalId)!.PremiumOn(Today).Balance);
            Assert.Empty(ClaimEngine.Readjudicate(h, Today));
        }, iter: 200);
    }

    [Fact]
    public void ReadjudicatingUnchangedFacts_ChangesNothing()
    {
        ScenarioGen.Sample(s =>
        {
            var h = Play(s).State();
            Assert.Empty(ClaimEngine.Readjudicate(h, Today));
            Assert.Empty(ClaimEngine.Readjudicate(h, Today.PlusDays(30)));
        }, iter: 200);
    }

    [Fact]
    public void TheSameFacts_AlwaysGiveTheSamePayout()
    {
        ScenarioGen.Sample(s =>
        {
            var events = Play(s);
            var first = ClaimEngine.Run(events.State());
            var second = ClaimEngine.Run(events.State());
            Assert.Equal(first.Count, second.Count);
            foreach (var (claimId, adjudication) in first)
                Assert.Equal(adjudication, second[claimId]);
            // ... and replaying the same commands gives the same history.
            Assert.Equal(
                Approved(events.State()).Select(c => (c.ClaimId, c.Payable)),
                Approved(Play(s).State()).Select(c => (c.ClaimId, c.Payable)));
            // The recorded adjudications are the ones the engine computes now.
            foreach (var claim in events.State().Claims.Where(c => !c.Withdrawn))
                Assert.Equal(claim.Adjudication!.Payable, first[claim.ClaimId].Payable);
        }, iter: 200);
    }
}

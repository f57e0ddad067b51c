using System.Collections.Immutable;
using System.Globalization;
using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using NodaTime;

namespace Ledger.Domain.Claims;

/// <summary>
/// Pure adjudication. Claims are judged one after another in adjudication order, each against the facts known now
/// and the deductible and limit counters the claims before it left. The same function serves a new claim, a
/// review, and re-adjudication after a backdated fact, so the same facts always give the same payout.
/// </summary>
public static class ClaimEngine
{
    /// <summary>Payable amounts above this go to a person unless the command says otherwise (CNY).</summary>
    public const decimal DefaultReferralThreshold = 50_000m;

    private sealed class CounterBook
    {
        private readonly Dictionary<(Guid Policy, LocalDate Term, Guid Person), Counters> _people = [];
        private readonly HashSet<(Guid Policy, Guid Person)> _sumInsuredPaid = [];
        private readonly Dictionary<Guid, ImmutableList<PremiumEntry>> _deductions = [];

        /// <summary>The premium the claims judged so far deducted on the policy: later claims never deduct it again.</summary>
        public ImmutableList<PremiumEntry> Deductions(Guid policy) => _deductions.GetValueOrDefault(policy) ?? [];

        public void Deduct(Guid policy, Claim claim, decimal amount)
        {
            if (amount > 0) _deductions[policy] = Deductions(policy).Add(Deduction(claim, amount));
        }

        public Counters For(Guid policy, LocalDate term, Guid person)
        {
            var own = (_people.GetValueOrDefault((policy, term, person)) ?? new Counters(0, 0, 0, 0, false))
                with { SumInsuredPaid = _sumInsuredPaid.Contains((policy, person)) };
            var family = _people.Where(kv => kv.Key.Policy == policy && kv.Key.Term == term).Select(kv => kv.Value).ToList();
            return own with
            {
                FamilyDeductibleUsed = family.Sum(c => c.PersonDeductibleUsed),
                FamilyBenefitUsed = family.Sum(c => c.PersonBenefitUsed),
            };
        }

        public void Consume(Guid policy, LocalDate term, Guid person, decimal deductible, decimal benefit, bool sumInsured)
        {
            var own = _people.GetValueOrDefault((policy, term, person)) ?? new Counters(0, 0, 0, 0, false);
            _people[(policy, term, person)] = own with
            {
                PersonDeductibleUsed = own.PersonDeductibleUsed + deductible,
                PersonBenefitUsed = own.PersonBenefitUsed + benefit,
            };
            // A fixed benefit is paid once per person over the life of the policy, not once per term.
            if (sumInsured) _sumInsuredPaid.Add((policy, person));
        }
    }

    /// <summary>Adjudicates every claim of the household in order; withdrawn claims consume nothing.</summary>
    public static IReadOnlyDictionary<Guid, Adjudication> Run(Household h)
    {
        var book = new CounterBook();
        var result = new Dictionary<Guid, Adjudication>();
        foreach (var claim in h.Claims.Where(c => !c.Withdrawn).OrderBy(c => c.Order))
        {
            // Referral is decided once, when the claim arrives: a later fact never sends a claim the rules already
            // approved or rejected back to a person (it would hide what is owed behind a referral).
            var mayRefer = claim.Adjudication is null || claim.Adjudication.Outcome != ClaimOutcome.Approved;
            // The premium account as the claims before this one left it: its own deduction and later ones are not in it yet.
            var policy = h.Policy(claim.PolicyId)! with { Deductions = book.Deductions(claim.PolicyId) };
            var adjudication = Judge(policy, claim, book, claim.Adjudication?.ReferralThreshold ?? DefaultReferralThreshold, mayRefer,
                claim.Review, claim.ReviewedAmount, claim.ReviewReason);
            result[claim.ClaimId] = adjudication;
            if (adjudication is { Outcome: ClaimOutcome.Approved, TermStart: { } term })
            {
                book.Consume(claim.PolicyId, term, claim.PersonId, adjudication.DeductibleApplied, adjudication.Benefit,
                    adjudication.After.SumInsuredPaid && !adjudication.Before.SumInsuredPaid);
                book.Deduct(claim.PolicyId, claim, adjudication.UnpaidPremiumDeducted);
            }
        }
        return result;
    }

    /// <summary>
    /// The re-adjudications the current facts call for: every claim whose outcome, payable or deductible differs from
    /// what is recorded. Empty when nothing changed, so re-adjudicating unchanged facts records nothing.
    /// </summary>
    public static IReadOnlyList<ClaimReadjudicated> Readjudicate(Household h, LocalDate today)
    {
        var fresh = Run(h);
        var events = new List<ClaimReadjudicated>();
        foreach (var claim in h.Claims.Where(c => !c.Withdrawn && c.Adjudication is not null).OrderBy(c => c.Order))
        {
            var now = fresh[claim.ClaimId];
            var was = claim.Adjudication!;
            // Counters count too: each record's before/after must chain with the claims before it, so a regulator can
            // follow the consumption claim by claim.
            // So does the premium deducted: it is a payment of the policy's premium.
            if (now.Outcome == was.Outcome && now.Payable == was.Payable && now.DeductibleApplied == was.DeductibleApplied
                && now.RejectionCode == was.RejectionCode && now.Benefit == was.Benefit && now.Before == was.Before && now.After == was.After
                && now.UnpaidPremiumDeducted == was.UnpaidPremiumDeducted)
                continue;
            var previousPayable = was.Outcome == ClaimOutcome.Approved ? was.Payable : 0m;
            var newPayable = now.Outcome == ClaimOutcome.Approved ? now.Payable : 0m;
            events.Add(new ClaimReadjudicated(claim.ClaimId, was.Outcome, previousPayable, now,
                newPayable - previousPayable,
                RecoveryDue: Math.Max(0m, claim.Paid - newPayable),
                TopUpDue: now.Outcome == ClaimOutcome.Approved ? Math.Max(0m, newPayable - Math.Max(claim.Paid, 0m)) : 0m,
                today));
        }
        return events;
    }

    /// <summary>
    /// The premium the claims' benefits paid on a policy (保险法 §36), as the policy's premium account books it: one entry
    /// per approved claim that still stands, dated the day it was reported.
    /// </summary>
    public static ImmutableList<PremiumEntry> PremiumDeductions(IEnumerable<Claim> claims, Guid policyId) =>
        claims.Where(c => c.PolicyId == policyId && c.PremiumDeducted > 0).OrderBy(c => c.Order)
            .Select(c => Deduction(c, c.PremiumDeducted)).ToImmutableList();

    private static PremiumEntry Deduction(Claim claim, decimal amount) => new(claim.ReportedOn, amount, $"claim:{claim.ClaimId}");

    /// <summary>Counters of one person on one policy term from the claims with a loss on or before <paramref name="on"/>.</summary>
    public static Counters CountersOn(Household h, Guid policyId, LocalDate termStart, Guid? personId, LocalDate on)
    {
        // One pass, no lists: a view asks this for every person of every policy on each read.
        decimal personDeductible = 0m, familyDeductible = 0m, personBenefit = 0m, familyBenefit = 0m;
        var sumInsuredPaid = false;
        foreach (var c in h.Claims)
        {
            if (c.Withdrawn || c.PolicyId != policyId || c.LossDate > on
                || c.Adjudication is not { Outcome: ClaimOutcome.Approved } a || a.TermStart != termStart) continue;
            familyDeductible += a.DeductibleApplied;
            familyBenefit += a.Benefit;
            if (c.PersonId != personId) continue;
            personDeductible += a.DeductibleApplied;
            personBenefit += a.Benefit;
            sumInsuredPaid |= a.After.SumInsuredPaid;
        }
        return new Counters(personDeductible, familyDeductible, personBenefit, familyBenefit, sumInsuredPaid);
    }

    private static Adjudication Judge(Policy policy, Claim claim, CounterBook book, decimal threshold, bool mayRefer,
        ReviewDecision? review, decimal? reviewedAmount, string? reviewReason)
    {
        var loss = claim.LossDate;
        var zero = new Counters(0, 0, 0, 0, false);
        Adjudication Reject(string code, string why, Counters? counters = null, LocalDate? term = null) =>
            new(ClaimOutcome.Rejected, code, why, review is null, term, claim.Amount, 0, policy.Conditions.Coinsurance, 0, 0, 0,
                null, null, threshold, counters ?? zero, counters ?? zero);

        var status = policy.StatusOn(loss);
        // Motor cover insures vehicles, not persons: the claimant is the member who reports the loss, and a person
        // assesses it (a referral) while the policy was in force on the loss date.
        if (policy.Category == PolicyCategory.Motor)
        {
            if (status is not (PolicyStatus.Active or PolicyStatus.InGrace))
                return Reject(RejectionCodes.NoCoverage, $"The policy was {Camel(status)} on the loss date {loss:yyyy-MM-dd}.");
        }
        else
        {
            if (!policy.Insured.Any(i => i.PersonId == claim.PersonId && i.EverStarted))
                return Reject(RejectionCodes.NotInsured, "The person is not insured by this policy.");
            if (status is not (PolicyStatus.Active or PolicyStatus.InGrace))
                return Reject(RejectionCodes.NoCoverage, $"The policy was {Camel(status)} on the loss date {loss:yyyy-MM-dd}.");
        }
        var cover = policy.Insured.LastOrDefault(i => i.PersonId == claim.PersonId && i.EverStarted && i.CoverFrom <= loss && loss <= policy.CoverTo(i));
        if (cover is null && policy.Category != PolicyCategory.Motor)
            return Reject(RejectionCodes.NotInsured, $"The person was not insured on the loss date {loss:yyyy-MM-dd}.");
        if (policy.Category == PolicyCategory.CriticalIllness && claim.Cause == LossCause.Accident)
            return Reject(RejectionCodes.Excluded, "Critical illness cover pays on diagnosis of an illness, not for accidents.");
        if (policy.Category == PolicyCategory.MedicalAccident && claim.Cause == LossCause.Illness)
            return Reject(RejectionCodes.Excluded, "Medical accident cover pays for accidents of treatment, not for illness.");
        var illnessFrom = cover is null ? loss : policy.IllnessCoverFrom(cover, loss);
        if (claim.Cause == LossCause.Illness && loss < illnessFrom)
            return Reject(RejectionCodes.WaitingPeriod, $"Illness is covered from {illnessFrom:yyyy-MM-dd}, after the waiting period; the loss was on {loss:yyyy-MM-dd}.");

        var term = policy.TermOn(loss)!;
        var before = book.For(policy.PolicyId, term.Start, claim.PersonId);
        if (review == ReviewDecision.Reject)
            return Reject(RejectionCodes.Excluded, $"Rejected on review: {reviewReason}", before, term.Start);
        var conditions = policy.Conditions;
        // 保险法 §36 lets the insurer deduct the premium in arrears (欠交) from a loss in grace: what fell due by the loss
        // date and was still owed when the claim was made, after payments, credits and what earlier claims deducted.
        var unpaid = status == PolicyStatus.InGrace ? Math.Max(0m, policy.Outstanding(loss, claim.ReportedOn) - LaterDeductions(policy, claim.ReportedOn)) : 0m;
        var automated = review is null;

        if (policy.Category == PolicyCategory.Motor && review is null && mayRefer)
            return new Adjudication(ClaimOutcome.Referred, null, "Motor losses are assessed by a person.", true, term.Start,
                claim.Amount, 0, conditions.Coinsurance, 0, 0, 0, null, null, threshold, before, before);

        if (policy.Category == PolicyCategory.CriticalIllness && conditions.SumInsured is { } sumInsured)
        {
            // Fixed benefit: the sum insured, once per person; no deductible or coinsurance.
            if (before.SumInsuredPaid)
                return Reject(RejectionCodes.LimitExhausted, "The sum insured was already paid for this person.", before, term.Start);
            // A reviewer's amount is what the person decided to pay; the unpaid premium is deducted only once.
            var fixedBenefit = review == ReviewDecision.Approve ? Math.Min((reviewedAmount ?? sumInsured) + unpaid, sumInsured) : sumInsured;
            var fixedDeducted = Math.Min(unpaid, fixedBenefit);
            var fixedPayable = fixedBenefit - fixedDeducted;
            var fixedOutcome = automated && mayRefer && fixedPayable > threshold ? ClaimOutcome.Referred : ClaimOutcome.Approved;
            var fixedAfter = fixedOutcome == ClaimOutcome.Approved ? before with { SumInsuredPaid = true, PersonBenefitUsed = before.PersonBenefitUsed + fixedBenefit, FamilyBenefitUsed = before.FamilyBenefitUsed + fixedBenefit } : before;
            return new Adjudication(fixedOutcome, null,
                Explain(fixedOutcome, string.Create(CultureInfo.InvariantCulture, $"Fixed benefit: the sum insured {sumInsured:0.00}"), fixedDeducted, threshold), automated, term.Start,
                sumInsured, 0, 1m, fixedBenefit, fixedDeducted, fixedPayable, 0, null, threshold, before, fixedAfter);
        }

        var eligible = claim.Amount;
        var personDeductibleLeft = conditions.PersonDeductible - before.PersonDeductibleUsed;
        var familyDeductibleLeft = conditions.FamilyDeductible - before.FamilyDeductibleUsed;
        var deductible = conditions.PersonDeductible is null && conditions.FamilyDeductible is null
            ? 0m
            : Math.Max(0m, Min(eligible, personDeductibleLeft, familyDeductibleLeft));
        var coinsured = PolicyRules.Money((eligible - deductible) * conditions.Coinsurance);
        var personLimitLeft = conditions.PersonAnnualLimit - before.PersonBenefitUsed;
        var familyLimitLeft = conditions.FamilyAnnualLimit - before.FamilyBenefitUsed;
        if (coinsured > 0 && (personLimitLeft <= 0 || familyLimitLeft <= 0))
            return Reject(RejectionCodes.LimitExhausted, "The annual limit for this term is used up.", before, term.Start);
        var benefit = Math.Max(0m, Min(coinsured, personLimitLeft, familyLimitLeft));
        if (review == ReviewDecision.Approve && reviewedAmount is { } approved) benefit = Math.Min(benefit, approved + unpaid);
        // Only what the benefit covers is deducted; the rest of the premium stays owed (and may be deducted by the next claim).
        var deducted = Math.Min(unpaid, benefit);
        var payable = benefit - deducted;
        var outcome = automated && mayRefer && payable > threshold ? ClaimOutcome.Referred : ClaimOutcome.Approved;
        var after = outcome == ClaimOutcome.Approved
            ? before with
            {
                PersonDeductibleUsed = before.PersonDeductibleUsed + deductible,
                FamilyDeductibleUsed = before.FamilyDeductibleUsed + deductible,
                PersonBenefitUsed = before.PersonBenefitUsed + benefit,
                FamilyBenefitUsed = before.FamilyBenefitUsed + benefit,
            }
            : before;
        return new Adjudication(outcome, null,
            Explain(outcome, string.Create(CultureInfo.InvariantCulture, $"{eligible:0.00} claimed − {deductible:0.00} deductible, × {conditions.Coinsurance} coinsurance = {coinsured:0.00}, capped at {benefit:0.00} by the limits"), deducted, threshold),
            automated, term.Start, eligible, deductible, conditions.Coinsurance, benefit, deducted, payable,
            personLimitLeft is { } p ? p - (outcome == ClaimOutcome.Approved ? benefit : 0) : null,
            familyLimitLeft is { } f ? f - (outcome == ClaimOutcome.Approved ? benefit : 0) : null,
            threshold, before, after);
    }

    /// <summary>Deductions of earlier claims reported after <paramref name="reportedOn"/> (out of order): never deducted twice either.</summary>
    private static decimal LaterDeductions(Policy policy, LocalDate reportedOn) => policy.Deductions.Where(d => d.On > reportedOn).Sum(d => d.Amount);

    private static decimal Min(decimal amount, params decimal?[] caps) => caps.Where(c => c is not null).Aggregate(amount, (m, c) => Math.Min(m, c!.Value));

    private static string Explain(ClaimOutcome outcome, string steps, decimal unpaid, decimal threshold) =>
        steps
        + (unpaid > 0 ? string.Create(CultureInfo.InvariantCulture, $"; minus {unpaid:0.00} premium unpaid in the grace period, which the deduction pays") : "")
        + (outcome == ClaimOutcome.Referred ? string.Create(CultureInfo.InvariantCulture, $"; above the {threshold:0.00} referral threshold, so referred to a person") : "");

    private static string Camel(PolicyStatus status) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(status.ToString());
}

using Ledger.Domain.Claims;
using Ledger.Domain.Policies;
using NodaTime;

namespace Ledger.Domain.Households;

/// <summary>
/// The household as it stands on one business date, according to what the ledger knew at one instant.
/// Computed, never stored: the same facts give a different view on a different date.
/// </summary>
/// <param name="On">The business date the view is evaluated for.</param>
/// <param name="KnownAt">The recorded instant the facts are taken up to; null means "everything recorded so far".</param>
public sealed record CoverageView(
    Guid HouseholdId,
    string HouseholdNumber,
    long Version,
    LocalDate On,
    Instant? KnownAt,
    LocalDate OpenedOn,
    Guid HolderId,
    IReadOnlyList<MemberView> Members,
    IReadOnlyList<PolicyView> Policies,
    IReadOnlyList<ApplicationView> Applications,
    IReadOnlyList<ClaimView> Claims)
{
    public static CoverageView Of(Household h, LocalDate on, Instant? knownAt) => new(
        h.Id,
        h.Number,
        h.Version,
        on,
        knownAt,
        h.OpenedOn,
        h.HolderId,
        h.People.Select(p => MemberView.Of(p, on)).ToList(),
        h.Policies.Select(p => PolicyView.Of(p, on, h)).ToList(),
        h.Referrals.Select(r => new ApplicationView(r.PolicyId, r.Proposal?.ProductCode, r.Outcome, r.Reasons)).ToList(),
        h.Claims.Where(c => c.LossDate <= on).Select(ClaimView.Of).ToList());
}

/// <summary>A claim with its current adjudication (re-adjudications included).</summary>
public sealed record ClaimView(
    Guid ClaimId,
    Guid PolicyId,
    Guid PersonId,
    LocalDate LossDate,
    LossCause Cause,
    decimal Amount,
    LocalDate ReportedOn,
    ClaimStatus Status,
    ClaimOutcome? Outcome,
    string? RejectionCode,
    decimal DeductibleApplied,
    decimal Payable,
    decimal Paid,
    decimal RecoveryDue,
    string? Explanation,
    string? Description,
    ClaimBreakdown? Breakdown)
{
    public static ClaimView Of(Claim c) => new(
        c.ClaimId, c.PolicyId, c.PersonId, c.LossDate, c.Cause, c.Amount, c.ReportedOn, c.Status, c.Outcome,
        c.Adjudication?.RejectionCode, c.Adjudication?.DeductibleApplied ?? 0m, c.Payable, c.Paid,
        Math.Max(0m, c.Paid - c.Payable), c.Adjudication?.Explanation, c.Description,
        c.Adjudication is { } a ? ClaimBreakdown.Of(c, a) : null);
}

/// <summary>
/// The adjudication as the steps a person follows from the amount claimed to the amount payable (docs/claims.md),
/// so support staff can explain a payout without recomputing it.
/// </summary>
/// <param name="NotCovered">Part of the claim the product does not consider: all of it when rejected; the excess over a fixed benefit.</param>
/// <param name="AfterCoinsurance">(eligible − deductible) × coinsurance, before the limits.</param>
/// <param name="LimitReduction">What the annual limits (or a reviewer's amount) cut from the coinsured amount.</param>
/// <param name="FamilyDeductibleUsedBefore">Family deductible the earlier claims of the term had used.</param>
/// <param name="PersonDeductibleUsedBefore">The person's own deductible the earlier claims of the term had used.</param>
public sealed record ClaimBreakdown(
    decimal Claimed,
    decimal NotCovered,
    decimal Eligible,
    decimal Deductible,
    decimal Coinsurance,
    decimal AfterCoinsurance,
    decimal LimitReduction,
    decimal Benefit,
    decimal PremiumDeducted,
    decimal Payable,
    decimal ReferralThreshold,
    decimal FamilyDeductibleUsedBefore,
    decimal PersonDeductibleUsedBefore,
    decimal? PersonLimitRemaining,
    decimal? FamilyLimitRemaining)
{
    public static ClaimBreakdown Of(Claim c, Adjudication a)
    {
        var rejected = a.Outcome == ClaimOutcome.Rejected;
        var afterCoinsurance = rejected ? 0m : PolicyRules.Money((a.Eligible - a.DeductibleApplied) * a.Coinsurance);
        return new ClaimBreakdown(
            c.Amount,
            rejected ? c.Amount : Math.Max(0m, c.Amount - a.Eligible),
            rejected ? 0m : a.Eligible,
            a.DeductibleApplied,
            a.Coinsurance,
            afterCoinsurance,
            rejected ? 0m : Math.Max(0m, afterCoinsurance - a.Benefit),
            a.Benefit,
            a.UnpaidPremiumDeducted,
            a.Outcome == ClaimOutcome.Approved ? a.Payable : 0m,
            a.ReferralThreshold,
            a.Before.FamilyDeductibleUsed,
            a.Before.PersonDeductibleUsed,
            a.PersonLimitRemaining,
            a.FamilyLimitRemaining);
    }
}

/// <summary>How much of a deductible or limit is allowed, used and left; null allowed means none applies.</summary>
public sealed record Allowance(decimal? Allowed, decimal Used, decimal? Remaining)
{
    public static Allowance Of(decimal? allowed, decimal used) => new(allowed, used, allowed is { } a ? Math.Max(0m, a - used) : null);
}

public sealed record PersonCounters(Guid PersonId, Allowance Deductible, Allowance Limit);

/// <summary>Deductible and limit counters of a policy term as of the view's date; they reset at the term boundary.</summary>
public sealed record CountersView(TermView Term, Allowance FamilyDeductible, Allowance FamilyLimit, IReadOnlyList<PersonCounters> Persons)
{
    public static CountersView Of(Household h, Policy p, PolicyTerm term, LocalDate on)
    {
        var family = ClaimEngine.CountersOn(h, p.PolicyId, term.Start, null, on);
        return new CountersView(
            new TermView(term.Start, term.End),
            Allowance.Of(p.Conditions.FamilyDeductible, family.FamilyDeductibleUsed),
            Allowance.Of(p.Conditions.FamilyAnnualLimit, family.FamilyBenefitUsed),
            p.Insured.Where(i => i.EverStarted && i.CoverFrom <= term.End && p.CoverTo(i) >= term.Start).Select(i => i.PersonId).Distinct()
                .Select(person =>
                {
                    var own = ClaimEngine.CountersOn(h, p.PolicyId, term.Start, person, on);
                    if (p.Category == PolicyCategory.CriticalIllness)
                    {
                        // The sum insured is paid once per person over the life of the policy, whatever the term.
                        var paidOnce = h.Claims.Any(c => !c.Withdrawn && c.PolicyId == p.PolicyId && c.PersonId == person && c.LossDate <= on
                                                         && c.Adjudication is { Outcome: ClaimOutcome.Approved, After.SumInsuredPaid: true });
                        return new PersonCounters(person, Allowance.Of(null, 0m), Allowance.Of(p.Conditions.SumInsured, paidOnce ? p.Conditions.SumInsured ?? 0m : 0m));
                    }
                    return new PersonCounters(person, Allowance.Of(p.Conditions.PersonDeductible, own.PersonDeductibleUsed), Allowance.Of(p.Conditions.PersonAnnualLimit, own.PersonBenefitUsed));
                }).ToList());
    }
}

/// <summary>An application waiting for a person's underwriting decision.</summary>
public sealed record ApplicationView(Guid PolicyId, string? ProductCode, UnderwritingOutcome Underwriting, IReadOnlyList<string> Reasons);

/// <summary>A term of a policy; both dates are covered days.</summary>
public sealed record TermView(LocalDate Start, LocalDate End);

/// <summary>A policy on the view's date: its status and premium position are evaluated for that date.</summary>
/// <param name="PaidThrough">Last day covered by premiums paid by the date; null when the first premium is unpaid.</param>
/// <param name="GraceEnd">Last day of grace for the oldest unpaid premium, when one is overdue.</param>
/// <param name="PremiumBalance">Owed by the policyholder (positive) or to them (negative) for everything due by the date.</param>
public sealed record PolicyView(
    Guid PolicyId,
    PolicyCategory Category,
    string ProductCode,
    int ProductVersion,
    Guid PolicyholderId,
    PolicyStatus Status,
    TermView Term,
    IReadOnlyList<TermView> Terms,
    LocalDate? PaidThrough,
    LocalDate? GraceEnd,
    LocalDate? SuspendedFrom,
    decimal PremiumBalance,
    decimal AnnualPremium,
    string Currency,
    LocalDate CoolingOffEnds,
    PolicyConditions Conditions,
    IReadOnlyList<InsuredView> Insured,
    IReadOnlyList<VehicleView> Vehicles,
    CountersView Counters,
    string? ProductName,
    PolicyStatusReason StatusReason,
    IReadOnlyList<StatusPeriod> Timeline,
    IReadOnlyList<LocalDate> Reinstatements)
{
    public static PolicyView Of(Policy p, LocalDate on, Household? household = null)
    {
        var term = p.TermOn(on) ?? p.Terms.LastOrDefault(t => t.Start <= on) ?? p.FirstTerm;
        var premium = p.PremiumOn(on);
        var inForce = p.InForceOn(on);
        return new PolicyView(
            p.PolicyId, p.Category, p.ProductCode, p.ProductVersion, p.PolicyholderId,
            p.StatusOn(on),
            new TermView(term.Start, term.End),
            p.Terms.Select(t => new TermView(t.Start, t.End)).ToList(),
            premium.PaidThrough, premium.GraceEnds, premium.SuspendedFrom, premium.Balance,
            p.Insured.Where(i => InTerm(p, i, term)).Sum(i => i.AnnualPremium)
                + p.Vehicles.Where(v => v.CoverTo is null || v.CoverTo >= term.Start).Sum(v => v.Vehicle.AnnualPremium),
            p.Conditions.Currency,
            p.CoolingOffEnds,
            p.Conditions,
            p.Insured.Where(i => InTerm(p, i, term)).Select(i =>
            {
                var illnessFrom = p.IllnessCoverFrom(i, on);
                var coverTo = p.CoverTo(i);
                var covered = inForce && i.CoverFrom <= on && on <= coverTo;
                return new InsuredView(i.PersonId, i.AnnualPremium, i.CoverFrom, illnessFrom, coverTo, i.EndCause, covered, covered && on >= illnessFrom,
                    p.BeneficiariesOf(i.PersonId, on));
            }).ToList(),
            p.Vehicles.Select(v => new VehicleView(v.Vehicle.Plate, v.Vehicle.Vin, v.Vehicle.NewEnergy, v.Vehicle.AnnualPremium, v.CoverFrom,
                v.CoverTo ?? p.CancelledAfter ?? p.LastTerm.End)).ToList(),
            CountersView.Of(household ?? EmptyHousehold(p), p, term, on),
            ProductCatalogue.Find(p.ProductCode, p.ProductVersion)?.Name,
            PolicyStatusReason.Of(p, on),
            StatusPeriod.Of(p),
            p.Reinstatements.Order().ToList());
    }

    private static Household EmptyHousehold(Policy p) =>
        new() { Id = Guid.Empty, Number = "", HolderId = p.PolicyholderId, OpenedOn = p.FirstTerm.Start, Policies = [p] };

    /// <summary>Covers shown for a term: those that ran (or will run) during it.</summary>
    private static bool InTerm(Policy p, Cover cover, PolicyTerm term) =>
        cover.EverStarted && cover.CoverFrom <= term.End && p.CoverTo(cover) >= term.Start;
}

/// <summary>The facts behind a policy's status on the view's date, for saying why in words.</summary>
/// <param name="Since">First day of the status (term start, first day of grace or suspension, day after cancellation or expiry).</param>
/// <param name="DueDate">Due date of the oldest premium unpaid (in grace or suspended).</param>
/// <param name="Unpaid">What is still unpaid of the premiums due by that date, as paid by the view's date.</param>
/// <param name="GraceEnd">Last day of grace for that premium.</param>
/// <param name="Until">Last day of the status as far as it is known: grace end, term end.</param>
public sealed record PolicyStatusReason(PolicyStatus Status, LocalDate? Since, LocalDate? DueDate, decimal? Unpaid, LocalDate? GraceEnd, LocalDate? Until)
{
    public static PolicyStatusReason Of(Policy p, LocalDate on)
    {
        var status = p.StatusOn(on);
        var premium = p.PremiumOn(on);
        var term = p.TermOn(on);
        return status switch
        {
            PolicyStatus.Pending => new(status, p.FirstTerm.Start, null, null, null, p.FirstTerm.End),
            PolicyStatus.Voided => new(status, p.WithdrawnOn, null, null, null, null),
            PolicyStatus.Cancelled => new(status, p.CancelledAfter?.PlusDays(1), null, null, null, null),
            PolicyStatus.Expired => new(status, p.Terms.LastOrDefault(t => t.End < on)?.End.PlusDays(1), null, null, null, null),
            PolicyStatus.InGrace or PolicyStatus.Suspended => new(status,
                status == PolicyStatus.Suspended ? premium.SuspendedFrom : premium.OverdueSince?.PlusDays(1),
                premium.OverdueSince, premium.OverdueSince is { } due ? p.Outstanding(due, on) : null, premium.GraceEnds,
                status == PolicyStatus.InGrace ? premium.GraceEnds : null),
            _ => new(status, term?.Start, null, null, null, term?.End),
        };
    }
}

/// <summary>A run of days with one status, both ends included, from the first term's start to the last term's end.</summary>
public sealed record StatusPeriod(PolicyStatus Status, LocalDate From, LocalDate To)
{
    public static IReadOnlyList<StatusPeriod> Of(Policy p)
    {
        var last = p.LastTerm.End;
        var periods = new List<StatusPeriod>();
        // The status is evaluated on the days it can change, not on every day of every term (a few hundred µs per
        // policy on each read): PolicyEvaluator.StatusOn compares the date only with these, so between two of them
        // it stays the same. The domain test checks this against a day-by-day evaluation.
        var days = ChangeDays(p, p.FirstTerm.Start, last);
        for (var i = 0; i < days.Count; i++)
        {
            var status = p.StatusOn(days[i]);
            var to = i + 1 < days.Count ? days[i + 1].PlusDays(-1) : last;
            if (periods.Count > 0 && periods[^1].Status == status) periods[^1] = periods[^1] with { To = to };
            else periods.Add(new StatusPeriod(status, days[i], to));
        }
        return periods;
    }

    /// <summary>
    /// The days from <paramref name="first"/> to <paramref name="last"/> on which the status can change, in order, each
    /// once, <paramref name="first"/> among them. Filled by loops into one list (this runs for every policy of every read).
    /// </summary>
    private static List<LocalDate> ChangeDays(Policy p, LocalDate first, LocalDate last)
    {
        var days = new List<LocalDate>(2 + 2 * (p.Terms.Count + p.Charges.Count) + p.Payments.Count + p.Credits.Count + p.Deductions.Count + p.Reinstatements.Count) { first };
        void Add(LocalDate day)
        {
            if (day > first && day <= last) days.Add(day);
        }
        foreach (var term in p.Terms) { Add(term.Start); Add(term.End.PlusDays(1)); }
        // From the day after a charge falls due it is overdue; the day after its grace ends it suspends the policy.
        foreach (var charge in p.Charges) { Add(charge.On.PlusDays(1)); Add(charge.On.PlusDays(PolicyEvaluator.GraceDays + 1)); }
        foreach (var entry in p.Payments) Add(entry.On);
        foreach (var entry in p.Credits) Add(entry.On);
        foreach (var entry in p.Deductions) Add(entry.On);
        foreach (var day in p.Reinstatements) Add(day);
        if (p.CancelledAfter is { } cancelled) Add(cancelled.PlusDays(1));
        days.Sort();
        var distinct = 0;
        for (var i = 0; i < days.Count; i++)
            if (distinct == 0 || days[i] != days[distinct - 1]) days[distinct++] = days[i];
        days.RemoveRange(distinct, days.Count - distinct);
        return days;
    }
}

/// <summary>One person's cover on a policy, on the view's date.</summary>
/// <param name="Covered">Covered for accidents on the date (policy in force, person within their cover).</param>
/// <param name="IllnessCovered">Also past their waiting period, so covered for illness.</param>
/// <param name="Beneficiaries">Who is paid on the person's death: the designation in force on the view's date.</param>
public sealed record InsuredView(
    Guid PersonId,
    decimal AnnualPremium,
    LocalDate CoverFrom,
    LocalDate IllnessCoverFrom,
    LocalDate CoverTo,
    string? EndCause,
    bool Covered,
    bool IllnessCovered,
    IReadOnlyList<BeneficiaryShare> Beneficiaries);

public sealed record VehicleView(string Plate, string Vin, bool NewEnergy, decimal AnnualPremium, LocalDate CoverFrom, LocalDate CoverTo);

/// <summary>Where a person stands on the view's date.</summary>
public enum MembershipStatus
{
    /// <summary>A member on the date.</summary>
    Member,
    /// <summary>Joins after the date.</summary>
    NotYetJoined,
    /// <summary>Left on or before the day before the date.</summary>
    Left,
}

public sealed record MemberView(
    Guid PersonId,
    string Name,
    LocalDate DateOfBirth,
    int? Age,
    Relationship Relationship,
    string? IdNumber,
    LocalDate JoinedOn,
    LocalDate? LeftOn,
    LeaveCause? LeaveCause,
    MembershipStatus Status)
{
    public static MemberView Of(Person p, LocalDate on) => new(
        p.PersonId,
        p.Name,
        p.DateOfBirth,
        // The dead do not age: after a death the age shown is the age at death.
        on >= p.DateOfBirth ? p.AgeOn(p is { LeaveCause: Households.LeaveCause.Death, LeftOn: { } died } && died < on ? died : on) : null,
        p.Relationship,
        p.IdNumber,
        p.JoinedOn,
        p.LeftOn,
        p.LeaveCause,
        on < p.JoinedOn ? MembershipStatus.NotYetJoined
        : p.IsMemberOn(on) ? MembershipStatus.Member
        : MembershipStatus.Left);
}

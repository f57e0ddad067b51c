using System.Collections.Immutable;
using NodaTime;

namespace Ledger.Domain.Policies;

/// <summary>One term of a policy; it includes both <see cref="Start"/> and <see cref="End"/>.</summary>
/// <param name="Continuous">Follows the previous term without a gap, inside the renewal window: waiting periods served stay served.</param>
public sealed record PolicyTerm(LocalDate Start, LocalDate End, bool Continuous)
{
    /// <summary>Days in the term, both ends inclusive (365 for a calendar year, 366 in a leap year).</summary>
    public int Days => Period.DaysBetween(Start, End) + 1;

    public bool Contains(LocalDate date) => Start <= date && date <= End;
}

/// <summary>One person's cover on a policy. <see cref="CoverTo"/> is the last covered day when the cover was ended.</summary>
/// <param name="IllnessCoverFrom">First day illness losses are covered: cover start plus the waiting period.</param>
public sealed record Cover(Guid PersonId, decimal AnnualPremium, LocalDate CoverFrom, LocalDate IllnessCoverFrom, LocalDate? CoverTo, string? EndCause)
{
    public bool IsOn(LocalDate date) => CoverFrom <= date && (CoverTo is null || date <= CoverTo);

    /// <summary>False for a cover that was ended before it began (a renewal undone by a removal).</summary>
    public bool EverStarted => CoverTo is null || CoverTo >= CoverFrom;
}

/// <summary>A vehicle's cover on a motor policy.</summary>
public sealed record VehicleCover(Vehicle Vehicle, LocalDate CoverFrom, LocalDate? CoverTo);

/// <summary>Money the policyholder owes (a premium falling due) or is owed (a refund credit), on a date.</summary>
public sealed record PremiumEntry(LocalDate On, decimal Amount, string Reason);

/// <summary>
/// A policy as its events left it: facts with their dates (terms, covers, charges, payments, credits,
/// reinstatements), never a status. <see cref="PolicyEvaluator"/> derives the status for any date, so a stored
/// copy never goes stale and a backdated fact changes every date it should.
/// </summary>
public sealed record Policy
{
    public required Guid PolicyId { get; init; }
    public required PolicyCategory Category { get; init; }
    public required string ProductCode { get; init; }
    public required int ProductVersion { get; init; }
    public required Guid PolicyholderId { get; init; }
    public required PolicyConditions Conditions { get; init; }
    public ImmutableList<PolicyTerm> Terms { get; init; } = [];
    public ImmutableList<Cover> Insured { get; init; } = [];
    public ImmutableList<VehicleCover> Vehicles { get; init; } = [];
    public ImmutableList<PremiumEntry> Charges { get; init; } = [];
    public ImmutableList<PremiumEntry> Payments { get; init; } = [];
    public ImmutableList<PremiumEntry> Credits { get; init; } = [];

    /// <summary>
    /// Premiums paid by deduction from a claim's benefit (保险法 §36), one entry per claim, dated the day the claim was
    /// reported. They settle charges like payments; the household fold derives them from the claims' current
    /// adjudications, so a re-adjudication that deducts less (or nothing) takes the settlement back with it.
    /// </summary>
    public ImmutableList<PremiumEntry> Deductions { get; init; } = [];
    public ImmutableList<LocalDate> Reinstatements { get; init; } = [];

    /// <summary>This policy's <see cref="PremiumBook"/>, built on first use (not stored: a private field).</summary>
    internal PremiumBook.Slot Book;

    /// <summary>Every designation of beneficiaries (受益人), oldest first; the latest for a person is in force.</summary>
    public ImmutableList<BeneficiaryDesignated> Designations { get; init; } = [];
    public LocalDate? WithdrawnOn { get; init; }
    public LocalDate? CancelledAfter { get; init; }

    /// <summary>End of the term after which the insurer declined to renew, if it did.</summary>
    public LocalDate? RenewalDeclinedAfter { get; init; }

    /// <summary>Time-driven transitions already recorded by the sweep (keys such as <c>grace:2025-01-01</c>).</summary>
    public ImmutableList<string> RecordedTransitions { get; init; } = [];

    public PolicyTerm FirstTerm => Terms[0];
    public PolicyTerm LastTerm => Terms[^1];

    /// <summary>The term in force on <paramref name="date"/>, if any.</summary>
    public PolicyTerm? TermOn(LocalDate date)
    {
        // A loop, not LastOrDefault with a lambda: a view asks this for every day its status can change, and the
        // lambda's closure was an allocation each time.
        for (var i = Terms.Count - 1; i >= 0; i--)
            if (Terms[i].Contains(date)) return Terms[i];
        return null;
    }

    public Cover? CoverOf(Guid personId) => Insured.LastOrDefault(c => c.PersonId == personId);

    /// <summary>The beneficiaries of the person's death benefit on a date (now, without one); empty when none.</summary>
    public IReadOnlyList<BeneficiaryShare> BeneficiariesOf(Guid insuredId, LocalDate? on = null) =>
        Designations.LastOrDefault(d => d.InsuredId == insuredId && (on is null || d.EffectiveDate <= on))?.Beneficiaries ?? [];

    /// <summary>Last day the policyholder may withdraw with a full refund.</summary>
    public LocalDate CoolingOffEnds => Conditions.ContractReceivedOn.PlusDays(Conditions.CoolingOffDays);

    public static Policy Issued(PolicyIssued e) => new()
    {
        PolicyId = e.PolicyId,
        Category = e.Category,
        ProductCode = e.ProductCode,
        ProductVersion = e.ProductVersion,
        PolicyholderId = e.PolicyholderId,
        Conditions = e.Conditions,
        Terms = [new PolicyTerm(e.TermStart, e.TermEnd, Continuous: false)],
        Insured = e.Insured.Select(i => new Cover(i.PersonId, i.AnnualPremium, e.TermStart,
            e.WaitingPeriodCredited?.Contains(i.PersonId) == true ? e.TermStart : e.TermStart.PlusDays(e.Conditions.WaitingPeriodDays),
            null, null)).ToImmutableList(),
        Vehicles = e.Vehicles.Select(v => new VehicleCover(v, e.TermStart, null)).ToImmutableList(),
    };

    /// <summary>The policy after one of its events.</summary>
    public Policy After(object @event) => @event switch
    {
        PremiumDue e => this with { Charges = Charges.Add(new(e.EffectiveDate, e.Amount, e.Reason)) },
        PremiumPaid e => this with { Payments = Payments.Add(new(e.EffectiveDate, e.Amount, "payment")) },
        InsuredAdded e => this with
        {
            Insured = Insured.Add(new Cover(e.PersonId, e.AnnualPremium, e.EffectiveDate, e.IllnessCoverFrom, null, null)),
        },
        InsuredRemoved e => EndCovers(e.PersonId, e.EffectiveDate, e.Cause).Credit(e.EffectiveDate, e.Refund, "insuredRemoved"),
        VehicleAdded e => this with { Vehicles = Vehicles.Add(new VehicleCover(e.Vehicle, e.EffectiveDate, null)) },
        VehicleRemoved e => (this with
        {
            Vehicles = Vehicles.Select(v => v.Vehicle.Plate == e.Plate && v.CoverTo is null ? v with { CoverTo = e.EffectiveDate } : v).ToImmutableList(),
        }).Credit(e.EffectiveDate, e.Refund, "vehicleRemoved"),
        PolicyReinstated e => this with { Reinstatements = Reinstatements.Add(e.EffectiveDate) },
        BeneficiaryDesignated e => this with { Designations = Designations.Add(e) },
        // Void from inception: nothing was ever due, so the refund is not a credit against charges (see PremiumOn).
        PolicyWithdrawnInCoolingOff e => this with { WithdrawnOn = e.EffectiveDate },
        PolicyCancelled e => (this with { CancelledAfter = e.EffectiveDate }).Credit(e.EffectiveDate, e.Refund, "cancelled"),
        PolicyRenewed e => Renewed(e),
        RenewalDeclined e => this with { RenewalDeclinedAfter = e.TermEnd },
        GracePeriodStarted e => Recorded(PolicyEvaluator.GraceKey(e.DueDate)),
        GracePeriodEnded e => Recorded(PolicyEvaluator.GraceEndedKey(e.DueDate)),
        PolicySuspended e => Recorded(PolicyEvaluator.SuspendedKey(e.DueDate)),
        PolicyExpired e => Recorded(PolicyEvaluator.ExpiredKey(e.TermEnd)),
        RenewalDue e => Recorded(PolicyEvaluator.RenewalDueKey(e.TermEnd)),
        _ => this,
    };

    /// <summary>
    /// Each term gets its own cover per person, with that term's premium: a refund in one term never uses another
    /// term's premium. A continuous renewal carries the illness-cover date over; anyone not renewed stops at the old end.
    /// </summary>
    private Policy Renewed(PolicyRenewed e)
    {
        var oldEnd = LastTerm.End;
        var insured = Insured;
        for (var i = 0; i < insured.Count; i++)
        {
            var cover = insured[i];
            if (cover.CoverTo is not null || cover.CoverFrom > oldEnd) continue;
            insured = insured.SetItem(i, cover with
            {
                CoverTo = oldEnd,
                EndCause = e.Insured.Any(p => p.PersonId == cover.PersonId) ? "renewed" : "notRenewed",
            });
        }
        foreach (var person in e.Insured)
        {
            var previous = Insured.LastOrDefault(c => c.PersonId == person.PersonId && c.CoverTo is null && c.CoverFrom <= oldEnd);
            var illnessFrom = e.Continuous && previous is not null
                ? previous.IllnessCoverFrom
                : e.TermStart.PlusDays(Conditions.WaitingPeriodDays);
            insured = insured.Add(new Cover(person.PersonId, person.AnnualPremium, e.TermStart, illnessFrom, null, null));
        }
        return this with { Terms = Terms.Add(new PolicyTerm(e.TermStart, e.TermEnd, e.Continuous)), Insured = insured };
    }

    /// <summary>Ends every cover of the person after <paramref name="lastDay"/>; a cover that starts later never starts.</summary>
    private Policy EndCovers(Guid personId, LocalDate lastDay, string cause) => this with
    {
        Insured = Insured.Select(c => c.PersonId == personId && (c.CoverTo is null || c.CoverTo > lastDay)
            ? c with { CoverTo = lastDay, EndCause = cause }
            : c).ToImmutableList(),
    };

    private Policy Credit(LocalDate on, decimal amount, string reason) =>
        amount == 0 ? this : this with { Credits = Credits.Add(new(on, amount, reason)) };

    private Policy Recorded(string key) =>
        RecordedTransitions.Contains(key) ? this : this with { RecordedTransitions = RecordedTransitions.Add(key) };
}

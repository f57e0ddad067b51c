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
    IReadOnlyList<ApplicationView> Applications)
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
        h.Policies.Select(p => PolicyView.Of(p, on)).ToList(),
        h.Referrals.Select(r => new ApplicationView(r.PolicyId, r.Proposal?.ProductCode, r.Outcome, r.Reasons)).ToList());
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
    IReadOnlyList<VehicleView> Vehicles)
{
    public static PolicyView Of(Policy p, LocalDate on)
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
                return new InsuredView(i.PersonId, i.AnnualPremium, i.CoverFrom, illnessFrom, coverTo, i.EndCause, covered, covered && on >= illnessFrom);
            }).ToList(),
            p.Vehicles.Select(v => new VehicleView(v.Vehicle.Plate, v.Vehicle.Vin, v.Vehicle.NewEnergy, v.Vehicle.AnnualPremium, v.CoverFrom,
                v.CoverTo ?? p.CancelledAfter ?? p.LastTerm.End)).ToList());
    }

    /// <summary>Covers shown for a term: those that ran (or will run) during it.</summary>
    private static bool InTerm(Policy p, Cover cover, PolicyTerm term) =>
        cover.EverStarted && cover.CoverFrom <= term.End && p.CoverTo(cover) >= term.Start;
}

/// <summary>One person's cover on a policy, on the view's date.</summary>
/// <param name="Covered">Covered for accidents on the date (policy in force, person within their cover).</param>
/// <param name="IllnessCovered">Also past their waiting period, so covered for illness.</param>
public sealed record InsuredView(
    Guid PersonId,
    decimal AnnualPremium,
    LocalDate CoverFrom,
    LocalDate IllnessCoverFrom,
    LocalDate CoverTo,
    string? EndCause,
    bool Covered,
    bool IllnessCovered);

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
        on >= p.DateOfBirth ? p.AgeOn(on) : null,
        p.Relationship,
        p.IdNumber,
        p.JoinedOn,
        p.LeftOn,
        p.LeaveCause,
        on < p.JoinedOn ? MembershipStatus.NotYetJoined
        : p.IsMemberOn(on) ? MembershipStatus.Member
        : MembershipStatus.Left);
}

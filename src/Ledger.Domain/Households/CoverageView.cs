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
    IReadOnlyList<MemberView> Members)
{
    public static CoverageView Of(Household h, LocalDate on, Instant? knownAt) => new(
        h.Id,
        h.Number,
        h.Version,
        on,
        knownAt,
        h.OpenedOn,
        h.HolderId,
        h.People.Select(p => MemberView.Of(p, on)).ToList());
}

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

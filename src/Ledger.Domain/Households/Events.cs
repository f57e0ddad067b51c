using NodaTime;

namespace Ledger.Domain.Households;

/// <summary>
/// Every household event says from which business date it holds. The ledger adds the recorded instant,
/// actor, reason, correlation and causation ids as event metadata.
/// </summary>
public interface IHouseholdEvent
{
    /// <summary>The business date the fact holds from (not when the ledger learned it).</summary>
    LocalDate EffectiveDate { get; }
}

/// <summary>A family account was opened. The holder joins by the <see cref="MemberJoined"/> that follows.</summary>
/// <param name="SplitFrom">The household this one was split from, if any.</param>
/// <param name="ContinuityCreditUntil">Until this date, policies issued here credit waiting periods as served (a split with continuity credit).</param>
public sealed record HouseholdOpened(
    Guid HouseholdId, string HouseholdNumber, Guid HolderId, LocalDate EffectiveDate, Guid? SplitFrom = null, LocalDate? ContinuityCreditUntil = null)
    : IHouseholdEvent;

/// <summary>
/// Part of the family moved out into a household of its own (a divorce, grown children). Their last day here is the
/// day before <see cref="EffectiveDate"/>; the <see cref="MemberLeft"/> events that follow end their membership and cover.
/// </summary>
public sealed record HouseholdSplit(
    Guid NewHouseholdId, string NewHouseholdNumber, Guid NewHolderId, IReadOnlyList<Guid> PersonIds, bool ContinuityCredit, LocalDate EffectiveDate)
    : IHouseholdEvent;

/// <summary>A person became a member of the household (the holder, with relationship <c>self</c>, included).</summary>
public sealed record MemberJoined(
    Guid PersonId,
    string Name,
    LocalDate DateOfBirth,
    Relationship Relationship,
    string? IdNumber,
    LocalDate EffectiveDate) : IHouseholdEvent;

/// <summary>
/// A person stopped being a member. <see cref="EffectiveDate"/> is their last day in the household:
/// membership, like a policy term, includes both of its end dates.
/// </summary>
public sealed record MemberLeft(Guid PersonId, LeaveCause Cause, LocalDate EffectiveDate) : IHouseholdEvent;

/// <summary>
/// Recorded details of a person were wrong and are corrected. Only the fields given change; the correction
/// is a new fact, the original event is never edited.
/// </summary>
public sealed record MemberDetailsCorrected(
    Guid PersonId,
    string? Name,
    LocalDate? DateOfBirth,
    Relationship? Relationship,
    string? IdNumber,
    LocalDate EffectiveDate) : IHouseholdEvent;

/// <summary>Relationship of a member to the account holder (FHIR subscriber-relationship codes).</summary>
public enum Relationship
{
    Self,
    Spouse,
    Child,
    Parent,
    Other,
}

/// <summary>Why a member left the household.</summary>
public enum LeaveCause
{
    Death,
    Divorce,
    Request,
    AgeOut,
    Moved,
}

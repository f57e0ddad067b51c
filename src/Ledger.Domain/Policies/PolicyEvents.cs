using Ledger.Domain.Households;
using NodaTime;

namespace Ledger.Domain.Policies;

/// <summary>The conditions a policy was issued with: its product version's, with the overrides the request was allowed to make.</summary>
/// <param name="ContractReceivedOn">The day the policyholder received the contract: the cooling-off period counts from it.</param>
/// <param name="GuaranteedRenewalUntil">Until this date the insurer may not refuse a renewal.</param>
public sealed record PolicyConditions(
    string Currency,
    int WaitingPeriodDays,
    int CoolingOffDays,
    decimal? PersonDeductible,
    decimal? FamilyDeductible,
    decimal Coinsurance,
    decimal? PersonAnnualLimit,
    decimal? FamilyAnnualLimit,
    decimal? SumInsured,
    LocalDate ContractReceivedOn,
    LocalDate? GuaranteedRenewalUntil);

/// <summary>A person insured at issue, with their share of the annual premium.</summary>
/// <summary>An event about one policy of the household.</summary>
public interface IPolicyEvent : IHouseholdEvent
{
    Guid PolicyId { get; }
}

public sealed record InsuredPerson(Guid PersonId, decimal AnnualPremium);

/// <summary>A vehicle on a motor policy.</summary>
public sealed record Vehicle(string Plate, string Vin, bool NewEnergy, decimal AnnualPremium);

public enum UnderwritingOutcome
{
    /// <summary>The rules accepted the application; the policy is issued.</summary>
    Accepted,
    /// <summary>The rules could not decide; a person must (the policy is not issued until then).</summary>
    Referred,
    /// <summary>A person declined a referred application; no policy is issued.</summary>
    Declined,
}

/// <summary>An underwriting decision on an application, by the rules (<see cref="Automated"/>) or by a person.</summary>
/// <remarks>
/// A referral keeps the application (<see cref="Proposal"/>) so that a person can accept it later.
/// <see cref="DecidedBy"/> is the person behind the decision: who applied when the rules decided, who decided when a
/// person did; the four-eyes rule keeps the applicant from deciding their own referral.
/// </remarks>
public sealed record UnderwritingDecided(
    Guid PolicyId,
    UnderwritingOutcome Outcome,
    bool Automated,
    IReadOnlyList<string> Reasons,
    PolicyIssued? Proposal,
    LocalDate EffectiveDate,
    string? DecidedBy = null) : IPolicyEvent;

/// <summary>A policy was issued for its first term; its first premium falls due on the term's first day.</summary>
public sealed record PolicyIssued(
    Guid PolicyId,
    PolicyCategory Category,
    string ProductCode,
    int ProductVersion,
    Guid PolicyholderId,
    LocalDate TermStart,
    LocalDate TermEnd,
    IReadOnlyList<InsuredPerson> Insured,
    IReadOnlyList<Vehicle> Vehicles,
    PolicyConditions Conditions,
    LocalDate EffectiveDate,
    IReadOnlyList<Guid>? WaitingPeriodCredited = null) : IPolicyEvent;

/// <summary>A premium (or a part of one) fell due.</summary>
public sealed record PremiumDue(Guid PolicyId, decimal Amount, string Reason, LocalDate EffectiveDate) : IPolicyEvent;

/// <summary>A premium payment was received on <see cref="EffectiveDate"/>.</summary>
public sealed record PremiumPaid(Guid PolicyId, decimal Amount, LocalDate? DueDate, LocalDate EffectiveDate) : IPolicyEvent;

/// <summary>A person was added to a policy mid-term; their illness cover starts after their own waiting period.</summary>
public sealed record InsuredAdded(
    Guid PolicyId, Guid PersonId, decimal AnnualPremium, decimal PremiumDelta, LocalDate IllnessCoverFrom, LocalDate EffectiveDate)
    : IPolicyEvent;

/// <summary>A person's cover on a policy ended; <see cref="EffectiveDate"/> is their last covered day.</summary>
public sealed record InsuredRemoved(Guid PolicyId, Guid PersonId, string Cause, decimal Refund, LocalDate EffectiveDate) : IPolicyEvent;

public sealed record VehicleAdded(Guid PolicyId, Vehicle Vehicle, decimal PremiumDelta, LocalDate EffectiveDate) : IPolicyEvent;

/// <summary>A vehicle left a motor policy; <see cref="EffectiveDate"/> is its last covered day.</summary>
public sealed record VehicleRemoved(Guid PolicyId, string Plate, decimal Refund, LocalDate EffectiveDate) : IPolicyEvent;

/// <summary>Recorded by the sweep: a premium due on <see cref="DueDate"/> was not paid; cover continues until <see cref="GraceEnds"/>.</summary>
public sealed record GracePeriodStarted(Guid PolicyId, LocalDate DueDate, LocalDate GraceEnds, decimal Unpaid, LocalDate EffectiveDate) : IPolicyEvent;

/// <summary>
/// Recorded by the sweep: the premium due on <see cref="DueDate"/> was settled inside its grace period (paid, credited or
/// deducted from a claim), so the grace <see cref="GracePeriodStarted"/> opened ended; <see cref="EffectiveDate"/> is the
/// day it was settled, the first day the policy no longer relied on grace.
/// </summary>
public sealed record GracePeriodEnded(Guid PolicyId, LocalDate DueDate, LocalDate EffectiveDate) : IPolicyEvent;

/// <summary>Recorded by the sweep: grace ended unpaid, the policy is suspended (中止) from <see cref="EffectiveDate"/>.</summary>
public sealed record PolicySuspended(Guid PolicyId, LocalDate DueDate, LocalDate EffectiveDate) : IPolicyEvent;

/// <summary>A suspended policy was reinstated (复效) with its arrears paid; illness cover restarts with a new waiting period.</summary>
public sealed record PolicyReinstated(Guid PolicyId, decimal ArrearsPaid, LocalDate IllnessCoverFrom, LocalDate EffectiveDate) : IPolicyEvent;

/// <summary>
/// An application waiting for a person's underwriting decision was closed because a person it names (the policyholder
/// or someone it would insure) left the household: it can no longer be accepted as proposed. <see cref="Cause"/> is
/// <c>memberLeft:&lt;cause&gt;</c>, as on <see cref="InsuredRemoved"/>; <see cref="EffectiveDate"/> is the day it was closed.
/// </summary>
public sealed record ApplicationClosed(Guid PolicyId, Guid PersonId, string Cause, LocalDate EffectiveDate) : IPolicyEvent;

/// <summary>Withdrawn inside the cooling-off period (犹豫期): void from inception, every premium paid is refunded.</summary>
public sealed record PolicyWithdrawnInCoolingOff(Guid PolicyId, decimal Refund, LocalDate EffectiveDate) : IPolicyEvent;

/// <summary>Cancelled (surrendered) after cooling-off; <see cref="EffectiveDate"/> is the last covered day.</summary>
public sealed record PolicyCancelled(Guid PolicyId, string Reason, decimal Refund, LocalDate EffectiveDate) : IPolicyEvent;

/// <summary>
/// A new term on the same policy. <see cref="Continuous"/> when it follows the last term without a gap and was
/// arranged inside the renewal window: waiting periods already served stay served.
/// </summary>
public sealed record PolicyRenewed(
    Guid PolicyId, LocalDate TermStart, LocalDate TermEnd, IReadOnlyList<InsuredPerson> Insured, bool Continuous, LocalDate EffectiveDate)
    : IPolicyEvent;

/// <summary>Recorded by the sweep: the last term ended without renewal; <see cref="EffectiveDate"/> is the day after it.</summary>
public sealed record PolicyExpired(Guid PolicyId, LocalDate TermEnd, LocalDate EffectiveDate) : IPolicyEvent;

/// <summary>Recorded by the sweep: the term ends within the renewal notice period.</summary>
public sealed record RenewalDue(Guid PolicyId, LocalDate TermEnd, bool Guaranteed, LocalDate EffectiveDate) : IPolicyEvent;

/// <summary>The insurer will not renew the policy after <see cref="TermEnd"/> (only possible past the guaranteed-renewal horizon).</summary>
public sealed record RenewalDeclined(Guid PolicyId, LocalDate TermEnd, string Reason, LocalDate EffectiveDate) : IPolicyEvent;

/// <summary>
/// Who is paid if the insured person dies, and their shares in percent (adding up to 100). Replaces any earlier
/// designation for the person on the policy; an empty list revokes it (the benefit then goes to the estate).
/// </summary>
public sealed record BeneficiaryDesignated(Guid PolicyId, Guid InsuredId, IReadOnlyList<BeneficiaryShare> Beneficiaries, LocalDate EffectiveDate) : IPolicyEvent;

using JasperFx.Events;
using Ledger.Domain.Claims;
using Ledger.Domain.Policies;
using Marten;
using Marten.Events.Projections;
using NodaTime;

namespace Ledger.Api.Registers;

/// <summary>
/// One row per claim across every household, for the claims register. Dates are <see cref="DateOnly"/> because the
/// register is queried by date and Marten's LINQ does not translate NodaTime members.
/// </summary>
public sealed record ClaimRegisterEntry
{
    public Guid Id { get; init; }
    public Guid HouseholdId { get; init; }
    public Guid PolicyId { get; init; }
    public Guid PersonId { get; init; }
    public PolicyCategory Category { get; init; }
    public LossCause Cause { get; init; }
    public DateOnly LossDate { get; init; }
    public DateOnly ReportedOn { get; init; }
    public decimal Amount { get; init; }
    public ClaimStatus Status { get; init; }
    public ClaimOutcome? Outcome { get; init; }
    public string? RejectionCode { get; init; }
    public decimal Payable { get; init; }
    public decimal Paid { get; init; }
    public bool DecidedByRules { get; init; }
    public int Readjudications { get; init; }
}

/// <summary>The claims register: an async projection over every household's claim events.</summary>
public sealed class ClaimRegisterProjection : MultiStreamProjection<ClaimRegisterEntry, Guid>
{
    public ClaimRegisterProjection()
    {
        Identity<IClaimEvent>(e => e.ClaimId);
    }

    public override ClaimRegisterEntry? Evolve(ClaimRegisterEntry? entry, Guid id, IEvent e) => (entry, e.Data) switch
    {
        (_, ClaimSubmitted s) => new ClaimRegisterEntry
        {
            Id = s.ClaimId, HouseholdId = e.StreamId, PolicyId = s.PolicyId, PersonId = s.PersonId, Category = s.Category, Cause = s.Cause,
            LossDate = s.LossDate.ToDateOnly(), ReportedOn = s.ReportedOn.ToDateOnly(), Amount = s.Amount, Status = ClaimStatus.Referred,
        },
        (null, _) => null,
        (var r, ClaimAdjudicated a) => Decided(r, a.Adjudication) with { DecidedByRules = true },
        (var r, ClaimReferred a) => Decided(r, a.Adjudication),
        (var r, ClaimReviewed a) => Decided(r, a.Adjudication),
        (var r, ClaimReadjudicated a) => Decided(r, a.Adjudication) with { Readjudications = r.Readjudications + 1 },
        (var r, ClaimPaid p) => Settled(r with { Paid = r.Paid + p.Amount }),
        (var r, ClaimWithdrawn) => r with { Status = ClaimStatus.Withdrawn },
        (var r, _) => r,
    };

    private static ClaimRegisterEntry Decided(ClaimRegisterEntry r, Adjudication a) => Settled(r with
    {
        Outcome = a.Outcome,
        RejectionCode = a.RejectionCode,
        Payable = a.Outcome == ClaimOutcome.Approved ? a.Payable : 0m,
        Status = a.Outcome switch { ClaimOutcome.Approved => ClaimStatus.Approved, ClaimOutcome.Rejected => ClaimStatus.Rejected, _ => ClaimStatus.Referred },
    });

    private static ClaimRegisterEntry Settled(ClaimRegisterEntry r) =>
        r.Status != ClaimStatus.Withdrawn && r.Outcome == ClaimOutcome.Approved && r.Payable > 0 && r.Paid >= r.Payable
            ? r with { Status = ClaimStatus.Paid }
            : r.Status == ClaimStatus.Paid && r.Paid < r.Payable ? r with { Status = ClaimStatus.Approved } : r;
}

/// <summary>One row per policy across households, for the renewals register.</summary>
public sealed record PolicyRegisterEntry
{
    public Guid Id { get; init; }
    public Guid HouseholdId { get; init; }
    public PolicyCategory Category { get; init; }
    public string ProductCode { get; init; } = "";
    public DateOnly TermStart { get; init; }
    public DateOnly TermEnd { get; init; }
    public DateOnly? GuaranteedRenewalUntil { get; init; }
    public bool Ended { get; init; }
    public bool RenewalDeclined { get; init; }
}

public sealed class PolicyRegisterProjection : MultiStreamProjection<PolicyRegisterEntry, Guid>
{
    public PolicyRegisterProjection()
    {
        Identity<IPolicyEvent>(e => e.PolicyId);
    }

    public override PolicyRegisterEntry? Evolve(PolicyRegisterEntry? entry, Guid id, IEvent e) => (entry, e.Data) switch
    {
        (_, PolicyIssued p) => new PolicyRegisterEntry
        {
            Id = p.PolicyId, HouseholdId = e.StreamId, Category = p.Category, ProductCode = p.ProductCode,
            TermStart = p.TermStart.ToDateOnly(), TermEnd = p.TermEnd.ToDateOnly(), GuaranteedRenewalUntil = p.Conditions.GuaranteedRenewalUntil?.ToDateOnly(),
        },
        (null, _) => null,
        (var r, PolicyRenewed p) => r with { TermStart = p.TermStart.ToDateOnly(), TermEnd = p.TermEnd.ToDateOnly() },
        (var r, PolicyCancelled or PolicyWithdrawnInCoolingOff) => r with { Ended = true },
        (var r, RenewalDeclined) => r with { RenewalDeclined = true },
        (var r, _) => r,
    };
}

public enum DecisionKind
{
    Underwriting,
    Claim,
    PolicyChange,
}

/// <summary>One decision of the ledger, by the rules or by a person: the automation report counts these.</summary>
public sealed record AutomationDecision
{
    public Guid Id { get; init; }
    public Guid HouseholdId { get; init; }
    public DecisionKind Kind { get; init; }
    public bool Automated { get; init; }
    /// <summary>When the decision was recorded; the report turns business dates into instants in the insurer's zone.</summary>
    public DateTimeOffset DecidedAt { get; init; }
}

/// <summary>
/// Counts each application, claim and mid-term change once, at its first decision: by the rules (automated) or
/// referred to a person. A person's later decision on a referral is not counted again.
/// </summary>
public sealed partial class AutomationProjection : EventProjection
{
    public void Project(IEvent<UnderwritingDecided> e, IDocumentOperations operations)
    {
        if (e.Data.Outcome == UnderwritingOutcome.Accepted && e.Data.Automated)
            operations.Store(Decision(e, DecisionKind.Underwriting, true));
        else if (e.Data.Outcome == UnderwritingOutcome.Referred)
            operations.Store(Decision(e, DecisionKind.Underwriting, false));
    }

    public AutomationDecision Create(IEvent<ClaimAdjudicated> e) => Decision(e, DecisionKind.Claim, e.Data.Adjudication.Automated);

    public AutomationDecision Create(IEvent<ClaimReferred> e) => Decision(e, DecisionKind.Claim, false);

    public AutomationDecision Create(IEvent<InsuredAdded> e) => Decision(e, DecisionKind.PolicyChange, true);

    public AutomationDecision Create(IEvent<InsuredRemoved> e) => Decision(e, DecisionKind.PolicyChange, true);

    public AutomationDecision Create(IEvent<PolicyCancelled> e) => Decision(e, DecisionKind.PolicyChange, true);

    public AutomationDecision Create(IEvent<PolicyRenewed> e) => Decision(e, DecisionKind.PolicyChange, true);

    // A change of beneficiary (变更受益人) is a routine policy service item, recorded without a person's review.
    public AutomationDecision Create(IEvent<BeneficiaryDesignated> e) => Decision(e, DecisionKind.PolicyChange, true);

    private static AutomationDecision Decision(IEvent e, DecisionKind kind, bool automated) => new()
    {
        Id = e.Id,
        HouseholdId = e.StreamId,
        Kind = kind,
        Automated = automated,
        DecidedAt = e.Timestamp,
    };
}

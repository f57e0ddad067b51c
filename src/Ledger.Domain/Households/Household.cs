using System.Collections.Immutable;
using Ledger.Domain.Claims;
using Ledger.Domain.Policies;
using NodaTime;

namespace Ledger.Domain.Households;

/// <summary>
/// The household as its events left it: effective-dated facts, never verdicts for a particular date
/// (those come from <see cref="CoverageView"/>), so a stored copy never goes stale as days pass.
/// Immutable: every event gives a new instance.
/// </summary>
public sealed record Household
{
    public required Guid Id { get; init; }

    /// <summary>Human household number, unique across the ledger (natural key), e.g. <c>HH00000042</c>.</summary>
    public required string Number { get; init; }

    public required Guid HolderId { get; init; }

    public required LocalDate OpenedOn { get; init; }

    /// <summary>The household this one was split from, if any.</summary>
    public Guid? SplitFrom { get; init; }

    /// <summary>Until this date, new policies here credit waiting periods as served (continuity after a split).</summary>
    public LocalDate? ContinuityCreditUntil { get; init; }

    /// <summary>Everyone who has ever been a member, in the order they joined.</summary>
    public ImmutableList<Person> People { get; init; } = [];

    /// <summary>Every policy ever issued to the household, in issue order.</summary>
    public ImmutableList<Policy> Policies { get; init; } = [];

    /// <summary>Applications the underwriting rules referred to a person, not yet decided.</summary>
    public ImmutableList<UnderwritingDecided> Referrals { get; init; } = [];

    /// <summary>Every claim, in adjudication order.</summary>
    public ImmutableList<Claim> Claims { get; init; } = [];

    /// <summary>Stream version after the last applied event; maintained by the event store.</summary>
    public long Version { get; set; }

    /// <summary>
    /// Not a domain fact: the first day a sweep records something, as the ledger's sweep index last stored it for this
    /// household, so a write that does not move that day (most writes) stores no index row. Folds carry it over unchanged.
    /// </summary>
    public LocalDate? SweepDueOn { get; set; }

    /// <summary>
    /// Not a domain fact: the last link of the household's audit chain, set by the ledger's audit trail on the stored
    /// copy, so the next write links to it from the household it has read anyway. Folds carry it over unchanged.
    /// </summary>
    public AuditHead? AuditHead { get; set; }

    public Person? Person(Guid personId) => People.Find(p => p.PersonId == personId);

    public Policy? Policy(Guid policyId) => Policies.Find(p => p.PolicyId == policyId);

    public IEnumerable<Person> MembersOn(LocalDate date) => People.Where(p => p.IsMemberOn(date));

    public static Household Opening(HouseholdOpened e) => new()
    {
        Id = e.HouseholdId, Number = e.HouseholdNumber, HolderId = e.HolderId, OpenedOn = e.EffectiveDate,
        SplitFrom = e.SplitFrom, ContinuityCreditUntil = e.ContinuityCreditUntil,
    };

    /// <summary>
    /// The state after one more event: null until the household is opened; events it does not know leave it
    /// unchanged (forward compatibility). Not named Apply/Create: the event store would take those as its own conventions.
    /// </summary>
    public static Household? Next(Household? state, object @event) => (state, @event) switch
    {
        (null, HouseholdOpened opened) => Opening(opened),
        (null, _) => null,
        (var s, var e) => s.After(e),
    };

    /// <summary>The household after one event.</summary>
    public Household After(object @event) => @event switch
    {
        MemberJoined e => this with
        {
            People = People.Add(new Person(e.PersonId, e.Name, e.DateOfBirth, e.Relationship, e.IdNumber, e.EffectiveDate, null, null)),
        },
        MemberLeft e => With(e.PersonId, p => p with { LeftOn = e.EffectiveDate, LeaveCause = e.Cause }),
        ConsentRecorded e => With(e.PersonId, p => p with { Consents = p.Consents.Add(e.Purpose) }),
        ConsentWithdrawn e => With(e.PersonId, p => p with { Consents = p.Consents.Remove(e.Purpose) }),
        ErasureRequested e => With(e.PersonId, p => p with { ErasureRequestedOn = e.EffectiveDate }),
        ProcessingRestricted e => With(e.PersonId, p => p with { Restricted = true }),
        PersonalDataShredded e => With(e.PersonId, p => p with { Shredded = true }),
        MemberDetailsCorrected e => With(e.PersonId, p => p with
        {
            Name = e.Name ?? p.Name,
            DateOfBirth = e.DateOfBirth ?? p.DateOfBirth,
            Relationship = e.Relationship ?? p.Relationship,
            IdNumber = e.IdNumber ?? p.IdNumber,
        }),
        UnderwritingDecided { Outcome: UnderwritingOutcome.Referred } e => this with { Referrals = Referrals.Add(e) },
        UnderwritingDecided e => this with { Referrals = Referrals.RemoveAll(r => r.PolicyId == e.PolicyId) },
        ApplicationClosed e => this with { Referrals = Referrals.RemoveAll(r => r.PolicyId == e.PolicyId) },
        PolicyIssued e => this with { Policies = Policies.Add(Ledger.Domain.Policies.Policy.Issued(e)) },
        IPolicyEvent e => WithPolicy(e.PolicyId, p => p.After(e)),
        ClaimSubmitted e => this with { Claims = Claims.Add(Claim.Submitted(e, Claims.Count)) },
        IClaimEvent e => WithClaim(e),
        _ => this,
    };

    /// <summary>Folds a whole stream, from its first event; null until the household is opened.</summary>
    public static Household? Fold(IEnumerable<object> events) => events.Aggregate((Household?)null, Next);

    /// <summary>The claim after its event, and its policy's premium account with what the claims now deduct (保险法 §36).</summary>
    private Household WithClaim(IClaimEvent e)
    {
        var claims = Claims.Select(c => c.ClaimId == e.ClaimId ? c.After(e) : c).ToImmutableList();
        var claim = claims.Find(c => c.ClaimId == e.ClaimId);
        var next = this with { Claims = claims };
        return claim is null ? next : next.WithPolicy(claim.PolicyId, p => p with { Deductions = ClaimEngine.PremiumDeductions(claims, p.PolicyId) });
    }

    private Household WithPolicy(Guid policyId, Func<Policy, Policy> change)
    {
        var index = Policies.FindIndex(p => p.PolicyId == policyId);
        return index < 0 ? this : this with { Policies = Policies.SetItem(index, change(Policies[index])) };
    }

    private Household With(Guid personId, Func<Person, Person> change)
    {
        var index = People.FindIndex(p => p.PersonId == personId);
        return index < 0 ? this : this with { People = People.SetItem(index, change(People[index])) };
    }
}

/// <summary>A person as the household knows them. Membership includes both <see cref="JoinedOn"/> and <see cref="LeftOn"/>.</summary>
public sealed record Person(
    Guid PersonId,
    string Name,
    LocalDate DateOfBirth,
    Relationship Relationship,
    string? IdNumber,
    LocalDate JoinedOn,
    LocalDate? LeftOn,
    LeaveCause? LeaveCause)
{
    /// <summary>Purposes the person consents to (PIPL): processing for anything else needs a legal basis of its own.</summary>
    public ImmutableHashSet<string> Consents { get; init; } = [];

    public LocalDate? ErasureRequestedOn { get; init; }

    /// <summary>Erasure was requested: kept for the law only, out of searches and marketing.</summary>
    public bool Restricted { get; init; }

    /// <summary>The person's data key was destroyed; their name and id number can no longer be read anywhere.</summary>
    public bool Shredded { get; init; }

    public bool HasLeft => LeftOn is not null;

    public bool IsMemberOn(LocalDate date) => JoinedOn <= date && (LeftOn is null || date <= LeftOn);

    /// <summary>Whether this person's membership shares a day with the period from <paramref name="from"/> to <paramref name="to"/> (open-ended when null).</summary>
    public bool IsMemberDuring(LocalDate from, LocalDate? to) => JoinedOn <= (to ?? LocalDate.MaxIsoValue) && from <= (LeftOn ?? LocalDate.MaxIsoValue);

    /// <summary>Age in whole years on <paramref name="date"/>.</summary>
    public int AgeOn(LocalDate date) => Period.Between(DateOfBirth, date, PeriodUnits.Years).Years;
}

/// <summary>The hash of an audit chain's link and the version it links.</summary>
public sealed record AuditHead(long Version, string Hash);

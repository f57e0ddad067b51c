using System.Text.Json.Serialization;
using Ledger.Domain.Policies;
using NodaTime;

namespace Ledger.Domain.Households;

/// <summary>A person gave consent to a purpose of processing (PIPL §13, §14).</summary>
public sealed record ConsentRecorded(Guid PersonId, string Purpose, LocalDate EffectiveDate) : IHouseholdEvent;

/// <summary>A person withdrew a consent (PIPL §15); processing for that purpose stops from then on.</summary>
public sealed record ConsentWithdrawn(Guid PersonId, string Purpose, LocalDate EffectiveDate) : IHouseholdEvent;

/// <summary>A person asked for their personal data to be deleted (PIPL §47).</summary>
public sealed record ErasureRequested(Guid PersonId, string Reason, LocalDate EffectiveDate) : IHouseholdEvent;

/// <summary>
/// Until insurance law lets the records go (保险法 §87), the person's data is only kept: they leave searches and
/// marketing, and stay in the audit trail.
/// </summary>
public sealed record ProcessingRestricted(Guid PersonId, LocalDate RetainedUntil, LocalDate EffectiveDate) : IHouseholdEvent;

/// <summary>The retention ended: the person's data key was destroyed in the same transaction (crypto-shredding).</summary>
public sealed record PersonalDataShredded(Guid PersonId, LocalDate RetentionEndedOn, LocalDate EffectiveDate) : IHouseholdEvent;

/// <summary>Record that a person gave or withdrew consent to a purpose (marketing, healthDataSharing, ...).</summary>
public sealed record RecordConsent(string Purpose, bool Given, LocalDate EffectiveDate) : IValidatable, IHouseholdCommand
{
    IReadOnlyList<object> IHouseholdCommand.Decide(Household state, LocalDate today) => HouseholdDecider.Decide(this, state, today);

    [JsonIgnore] public Guid PersonId { get; init; }

    public IEnumerable<FieldError> Validate() =>
        Check.Code(Purpose, "purpose").Concat(Check.Date(EffectiveDate, "effectiveDate"));
}

/// <summary>A person asks for erasure: processing is restricted at once, the data destroyed when retention ends.</summary>
public sealed record RequestErasure(LocalDate RequestedOn, string Reason) : IValidatable, IHouseholdCommand
{
    IReadOnlyList<object> IHouseholdCommand.Decide(Household state, LocalDate today) => HouseholdDecider.Decide(this, state, today);

    [JsonIgnore] public Guid PersonId { get; init; }

    public IEnumerable<FieldError> Validate() => Check.Date(RequestedOn, "requestedOn").Concat(Check.Name(Reason, "reason"));
}

/// <summary>
/// Record retention rules (保险法 §87): insurance records are kept at least 5 years after the contract ends for terms
/// of up to one year, 10 years otherwise. A person's data may be destroyed only when every contract they were part of
/// has ended and its retention has passed.
/// </summary>
public static class Retention
{
    public const int ShortTermYears = 5;
    public const int LongTermYears = 10;

    /// <summary>
    /// The last day the person's records must be kept, judged on <paramref name="asOf"/>: null while a contract of
    /// theirs has not ended by then; <paramref name="withoutContracts"/> for a person who was never part of a contract.
    /// </summary>
    public static LocalDate? RetainedUntil(Household h, Guid personId, LocalDate asOf, LocalDate withoutContracts)
    {
        LocalDate? until = null;
        // A beneficiary is part of the contract too: the insurer needs their identity until it ends.
        foreach (var policy in h.Policies.Where(p => p.PolicyholderId == personId || p.Insured.Any(i => i.PersonId == personId)
                                                     || p.Designations.Any(d => d.Beneficiaries.Any(b => b.PersonId == personId))))
        {
            var ended = policy.WithdrawnOn ?? policy.CancelledAfter ?? policy.LastTerm.End;
            if (ended >= asOf) return null;
            var shortTerm = policy.Terms.All(t => t.End < t.Start.PlusYears(1));
            var keep = ended.PlusYears(shortTerm ? ShortTermYears : LongTermYears);
            if (until is null || keep > until) until = keep;
        }
        return until ?? withoutContracts;
    }
}

public static partial class HouseholdDecider
{
    public static IReadOnlyList<object> Decide(RecordConsent c, Household h, LocalDate today)
    {
        var person = RequirePerson(h, c.PersonId);
        RequireNotTooFarAhead(c.EffectiveDate, today);
        var has = person.Consents.Contains(c.Purpose);
        if (has == c.Given) return [];
        return c.Given
            ? [new ConsentRecorded(c.PersonId, c.Purpose, c.EffectiveDate)]
            : [new ConsentWithdrawn(c.PersonId, c.Purpose, c.EffectiveDate)];
    }

    public static IReadOnlyList<object> Decide(RequestErasure c, Household h, LocalDate today)
    {
        var person = RequirePerson(h, c.PersonId);
        if (person.ErasureRequestedOn is { } earlier)
            throw new DomainRuleViolated("ErasureAlreadyRequested", $"Erasure was already requested on {earlier:yyyy-MM-dd}.", ViolationKind.Conflict);
        if (c.RequestedOn > today)
            throw new DomainRuleViolated("DateInFuture", $"The request date {c.RequestedOn:yyyy-MM-dd} is after today ({today:yyyy-MM-dd}).");
        // While a contract still runs, its records must be kept for its whole life plus the retention period.
        var until = Retention.RetainedUntil(h, c.PersonId, c.RequestedOn, c.RequestedOn) ?? LocalDate.MaxIsoValue;
        return [new ErasureRequested(c.PersonId, c.Reason, c.RequestedOn), new ProcessingRestricted(c.PersonId, until, c.RequestedOn)];
    }

    /// <summary>The people whose retention ended by <paramref name="date"/> after they asked for erasure.</summary>
    public static IEnumerable<PersonalDataShredded> ShreddingDue(Household h, LocalDate date) =>
        h.People.Where(p => p.ErasureRequestedOn is not null && !p.Shredded)
            .Select(p => (Person: p, Until: Retention.RetainedUntil(h, p.PersonId, date, p.ErasureRequestedOn!.Value)))
            .Where(x => x.Until is { } until && until < date)
            .Select(x => new PersonalDataShredded(x.Person.PersonId, x.Until!.Value, date));
}

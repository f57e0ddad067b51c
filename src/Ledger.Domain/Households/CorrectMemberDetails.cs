using System.Text.Json.Serialization;
using NodaTime;

namespace Ledger.Domain.Households;

/// <summary>
/// Correct a member's recorded details (a misspelt name, a wrong date of birth). Fields left out stay as they are.
/// A correction says the details were always so: views show the corrected details on every date, and the original
/// <see cref="MemberJoined"/> stays in the history. <see cref="EffectiveDate"/> (default: the member's join date)
/// records from when the record was wrong, for the audit trail.
/// </summary>
public sealed record CorrectMemberDetails(
    string? Name = null,
    LocalDate? DateOfBirth = null,
    Relationship? Relationship = null,
    string? IdNumber = null,
    LocalDate? EffectiveDate = null) : IValidatable, IHouseholdCommand
{
    IReadOnlyList<object> IHouseholdCommand.Decide(Household state, LocalDate today) => HouseholdDecider.Decide(this, state, today);

    [JsonIgnore] public Guid PersonId { get; init; }

    public IEnumerable<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (Name is null && DateOfBirth is null && Relationship is null && IdNumber is null)
            errors.Add(new FieldError("", "give at least one of name, dateOfBirth, relationship, idNumber"));
        if (Name is not null) errors.AddRange(Check.Name(Name, "name"));
        if (DateOfBirth is { } dob) errors.AddRange(Check.Date(dob, "dateOfBirth"));
        if (Relationship is { } r) errors.AddRange(Check.Defined(r, "relationship"));
        if (IdNumber is not null) errors.AddRange(Check.IdNumber(IdNumber, "idNumber"));
        if (EffectiveDate is { } d) errors.AddRange(Check.Date(d, "effectiveDate"));
        return errors;
    }
}

public static partial class HouseholdDecider
{
    public static IReadOnlyList<object> Decide(CorrectMemberDetails c, Household h, LocalDate today)
    {
        var person = RequirePerson(h, c.PersonId);
        if (c.DateOfBirth is { } dob)
        {
            RequireBornBy(dob, today);
            if (dob > person.JoinedOn)
                throw new DomainRuleViolated("JoinBeforeBirth", "The corrected date of birth is after the member joined.");
        }
        if (c.Relationship is { } relationship && (relationship == Relationship.Self) != (person.Relationship == Relationship.Self))
            throw new DomainRuleViolated("HolderRelationship", "Only the holder has relationship 'self', and the holder always has it.");

        if (c.Relationship == Relationship.Spouse && person.Relationship != Relationship.Spouse)
            RequireSingleSpouse(h, person.JoinedOn, person.LeftOn, person.PersonId);
        if (c.IdNumber is not null && c.IdNumber != person.IdNumber)
            RequireUniqueIdNumber(h, c.IdNumber, person.JoinedOn, person.LeftOn, person.PersonId);

        var changed = new MemberDetailsCorrected(
            c.PersonId,
            c.Name is not null && c.Name != person.Name ? c.Name : null,
            c.DateOfBirth is { } d && d != person.DateOfBirth ? d : null,
            c.Relationship is { } r && r != person.Relationship ? r : null,
            c.IdNumber is not null && c.IdNumber != person.IdNumber ? c.IdNumber : null,
            c.EffectiveDate ?? person.JoinedOn);

        return changed is { Name: null, DateOfBirth: null, Relationship: null, IdNumber: null } ? [] : [changed];
    }
}

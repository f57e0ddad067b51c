using System.Text.Json.Serialization;
using NodaTime;

namespace Ledger.Domain.Households;

/// <summary>A person joins the household (a newborn, a spouse, a parent moving in).</summary>
/// <remarks><see cref="PersonId"/> is assigned by the ledger.</remarks>
public sealed record JoinMember(
    string Name,
    LocalDate DateOfBirth,
    Relationship Relationship,
    LocalDate EffectiveDate,
    string? IdNumber = null) : IValidatable, IHouseholdCommand
{
    IReadOnlyList<object> IHouseholdCommand.Decide(Household state, LocalDate today) => HouseholdDecider.Decide(this, state, today);

    [JsonIgnore] public Guid PersonId { get; init; }

    IReadOnlyList<Guid> IHouseholdCommand.Newcomers => PersonId == Guid.Empty ? [] : [PersonId];

    public IEnumerable<FieldError> Validate()
    {
        var errors = Check.Name(Name, "name")
            .Concat(Check.Date(DateOfBirth, "dateOfBirth"))
            .Concat(Check.Defined(Relationship, "relationship"))
            .Concat(Check.Date(EffectiveDate, "effectiveDate"))
            .Concat(Check.IdNumber(IdNumber, "idNumber"));
        return Relationship == Relationship.Self
            ? errors.Append(new FieldError("relationship", "'self' is the holder's own relationship; use spouse, child, parent or other"))
            : errors;
    }
}

public static partial class HouseholdDecider
{
    public static IReadOnlyList<object> Decide(JoinMember c, Household h, LocalDate today)
    {
        RequireBornBy(c.DateOfBirth, today);
        RequireNotTooFarAhead(c.EffectiveDate, today);
        if (c.EffectiveDate < h.OpenedOn)
            throw new DomainRuleViolated(
                "EffectiveBeforeOpening",
                $"Household {h.Number} was opened on {h.OpenedOn:yyyy-MM-dd}; a member cannot join before that.");
        if (c.EffectiveDate < c.DateOfBirth)
            throw new DomainRuleViolated("JoinBeforeBirth", "A member cannot join before they are born.");
        if (c.PersonId == Guid.Empty || h.Person(c.PersonId) is not null)
            throw new DomainRuleViolated("PersonExists", $"Person id {c.PersonId} is already taken in this household.", ViolationKind.Conflict);
        RequireUniqueIdNumber(h, c.IdNumber, c.EffectiveDate, null, c.PersonId);
        if (c.Relationship == Relationship.Spouse) RequireSingleSpouse(h, c.EffectiveDate, null, c.PersonId);

        return [new MemberJoined(c.PersonId, c.Name, c.DateOfBirth, c.Relationship, c.IdNumber, c.EffectiveDate)];
    }
}

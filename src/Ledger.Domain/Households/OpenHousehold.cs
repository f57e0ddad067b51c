using System.Text.Json.Serialization;
using NodaTime;

namespace Ledger.Domain.Households;

/// <summary>The identity details of a person as a clerk records them.</summary>
public sealed record PersonDetails(string Name, LocalDate DateOfBirth, string? IdNumber = null);

/// <summary>Open a family account with its holder as the first member.</summary>
/// <remarks>The ids and household number are assigned by the ledger, never by the caller.</remarks>
public sealed record OpenHousehold(PersonDetails Holder, LocalDate OpenedOn) : IValidatable
{
    [JsonIgnore] public Guid HouseholdId { get; init; }
    [JsonIgnore] public Guid HolderId { get; init; }
    [JsonIgnore] public string HouseholdNumber { get; init; } = "";

    public IEnumerable<FieldError> Validate() =>
        Check.Name(Holder.Name, "holder.name")
            .Concat(Check.Date(Holder.DateOfBirth, "holder.dateOfBirth"))
            .Concat(Check.IdNumber(Holder.IdNumber, "holder.idNumber"))
            .Concat(Check.Date(OpenedOn, "openedOn"));
}

public static partial class HouseholdDecider
{
    private static IReadOnlyList<object> Open(OpenHousehold c, LocalDate today)
    {
        RequireBornBy(c.Holder.DateOfBirth, today);
        RequireNotTooFarAhead(c.OpenedOn, today);
        if (c.OpenedOn < c.Holder.DateOfBirth)
            throw new DomainRuleViolated("OpenedBeforeBirth", "The household cannot be opened before its holder was born.");

        return
        [
            new HouseholdOpened(c.HouseholdId, c.HouseholdNumber, c.HolderId, c.OpenedOn),
            new MemberJoined(c.HolderId, c.Holder.Name, c.Holder.DateOfBirth, Relationship.Self, c.Holder.IdNumber, c.OpenedOn),
        ];
    }
}

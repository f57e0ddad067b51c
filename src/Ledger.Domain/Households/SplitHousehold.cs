using System.Text.Json.Serialization;
using NodaTime;

namespace Ledger.Domain.Households;

/// <summary>
/// Part of the family moves into a household of its own, keeping their person ids. <see cref="EffectiveDate"/> is their
/// first day in the new household (their last day here is the day before). With <see cref="ContinuityCredit"/>, policies
/// issued for them in the new household within the credit period count waiting periods as served.
/// </summary>
public sealed record SplitHousehold(Guid NewHolderId, IReadOnlyList<Guid> PersonIds, LocalDate EffectiveDate, bool ContinuityCredit = false)
    : IValidatable, IHouseholdCommand
{
    IReadOnlyList<object> IHouseholdCommand.Decide(Household state, LocalDate today) => HouseholdDecider.Decide(this, state, today);

    /// <summary>Days after the split during which the continuity credit applies to new policies.</summary>
    public const int ContinuityCreditDays = 60;

    [JsonIgnore] public Guid NewHouseholdId { get; init; }
    [JsonIgnore] public string NewHouseholdNumber { get; init; } = "";

    public IEnumerable<FieldError> Validate()
    {
        var errors = Check.Date(EffectiveDate, "effectiveDate").ToList();
        if (PersonIds is null || PersonIds.Count == 0) errors.Add(new("personIds", "must name at least one person"));
        else
        {
            if (PersonIds.Distinct().Count() != PersonIds.Count) errors.Add(new("personIds", "names a person twice"));
            if (!PersonIds.Contains(NewHolderId)) errors.Add(new("newHolderId", "must be one of personIds"));
        }
        return errors;
    }
}

public static partial class HouseholdDecider
{
    /// <summary>The events of the household being split: the split, then each person's departure (ending their cover).</summary>
    public static IReadOnlyList<object> Decide(SplitHousehold c, Household h, LocalDate today)
    {
        RequireNotTooFarAhead(c.EffectiveDate, today);
        if (c.PersonIds.Contains(h.HolderId))
            throw new DomainRuleViolated("HolderMustStay", "The account holder stays; the others split off into a household of their own.");
        var lastDay = c.EffectiveDate.PlusDays(-1);
        var events = new List<object> { new HouseholdSplit(c.NewHouseholdId, c.NewHouseholdNumber, c.NewHolderId, c.PersonIds, c.ContinuityCredit, c.EffectiveDate) };
        var state = h;
        foreach (var personId in c.PersonIds)
        {
            var person = RequirePerson(state, personId);
            if (!person.IsMemberOn(lastDay) || person.HasLeft)
                throw new DomainRuleViolated("NotAMember", $"{person.Name} is not a current member on {lastDay:yyyy-MM-dd}.");
            var leaving = Decide(new LeaveHousehold(lastDay, LeaveCause.Moved) { PersonId = personId }, state, today);
            events.AddRange(leaving);
            state = leaving.Aggregate(state, (s, e) => s.After(e));
        }
        return events;
    }

    /// <summary>The first events of the new household: opened by the new holder, then everyone who moved, with their details.</summary>
    public static IReadOnlyList<object> NewHouseholdFromSplit(SplitHousehold c, Household from)
    {
        var holder = from.Person(c.NewHolderId)!;
        var credit = c.ContinuityCredit ? c.EffectiveDate.PlusDays(SplitHousehold.ContinuityCreditDays) : (LocalDate?)null;
        var events = new List<object>
        {
            new HouseholdOpened(c.NewHouseholdId, c.NewHouseholdNumber, c.NewHolderId, c.EffectiveDate, from.Id, credit),
            new MemberJoined(holder.PersonId, holder.Name, holder.DateOfBirth, Relationship.Self, holder.IdNumber, c.EffectiveDate),
        };
        foreach (var person in c.PersonIds.Where(p => p != c.NewHolderId).Select(p => from.Person(p)!))
        {
            // A child of the old household stays a child of a parent who moves with them; anyone else is "other".
            var relationship = person.Relationship == Relationship.Child && holder.Relationship is Relationship.Spouse or Relationship.Self
                ? Relationship.Child
                : Relationship.Other;
            events.Add(new MemberJoined(person.PersonId, person.Name, person.DateOfBirth, relationship, person.IdNumber, c.EffectiveDate));
        }
        return events;
    }
}

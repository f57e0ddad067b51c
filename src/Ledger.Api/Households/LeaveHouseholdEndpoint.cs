using Ledger.Api.Hosting;
using Ledger.Domain.Households;

namespace Ledger.Api.Households;

public sealed record VersionAnswer(long Version);

public static class LeaveHouseholdEndpoint
{
    public static void Map(IEndpointRouteBuilder app) => app
        .MapPost("/households/{householdId}/members/{personId}/leave", (HttpContext http, string householdId, string personId) =>
            WriteEndpoint.ExecuteAsync<LeaveHousehold>(http, nameof(LeaveHousehold), householdId,
                (body, _) => body with { PersonId = PersonIds.Parse(personId) },
                (_, version, _, id) => new WriteAnswer(StatusCodes.Status200OK, new VersionAnswer(version), id, version, null)))
        .WithName(nameof(LeaveHousehold))
        .WithSummary("A member leaves the household; effectiveDate is their last day as a member.")
        .Accepts<LeaveHousehold>("application/json")
        .Produces<VersionAnswer>()
        .ProducesWriteProblems();
}

/// <summary>Person ids in routes: a malformed one cannot name anybody, so it is an unknown person, not a bad request.</summary>
public static class PersonIds
{
    public static Guid Parse(string text) =>
        Guid.TryParse(text, out var id)
            ? id
            : throw new Ledger.Domain.DomainRuleViolated("UnknownPerson", $"'{text}' is not a person id.", Ledger.Domain.ViolationKind.NotFound);
}

using Ledger.Api.Hosting;
using Ledger.Domain.Households;

namespace Ledger.Api.Households;

public static class CorrectMemberDetailsEndpoint
{
    public static void Map(IEndpointRouteBuilder app) => app
        .MapPost("/households/{householdId}/members/{personId}/corrections", (HttpContext http, string householdId, string personId) =>
            WriteEndpoint.ExecuteAsync<CorrectMemberDetails>(http, nameof(CorrectMemberDetails), householdId,
                (body, _) => body with { PersonId = PersonIds.Parse(personId) },
                (_, version, _, id) => new WriteAnswer(StatusCodes.Status200OK, new VersionAnswer(version), id, version, null)))
        .WithName(nameof(CorrectMemberDetails)).WithTags("Members")
        .RequireAuthorization(Ledger.Api.Security.Access.HouseholdWrite)
        .WithSummary("Correct a member's recorded details; only the fields given change.")
        .Accepts<CorrectMemberDetails>("application/json")
        .Produces<VersionAnswer>()
        .ProducesWriteProblems();
}

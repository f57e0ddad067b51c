using Ledger.Api.Hosting;
using Ledger.Domain.Households;

namespace Ledger.Api.Households;

public sealed record MemberJoinedAnswer(Guid PersonId, long Version);

public static class JoinMemberEndpoint
{
    public static void Map(IEndpointRouteBuilder app) => app
        .MapPost("/households/{householdId}/members", (HttpContext http, string householdId) =>
            WriteEndpoint.ExecuteAsync<JoinMember>(http, nameof(JoinMember), householdId,
                (body, _) => body with { PersonId = Guid.CreateVersion7() },
                (command, version, _, id) =>
                {
                    var personId = ((JoinMember)command).PersonId;
                    return new WriteAnswer(StatusCodes.Status201Created, new MemberJoinedAnswer(personId, version),
                        id, version, $"/households/{id}");
                }))
        .WithName(nameof(JoinMember)).WithTags("Members")
        .RequireAuthorization(Ledger.Api.Security.Access.HouseholdWrite)
        .WithSummary("A person joins the household.")
        .Accepts<JoinMember>("application/json")
        .Produces<MemberJoinedAnswer>(StatusCodes.Status201Created)
        .ProducesWriteProblems();
}

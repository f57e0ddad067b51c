using Ledger.Domain.Households;

namespace Ledger.Api.Households;

public sealed record MemberJoinedAnswer(Guid PersonId, long Version);

/// <summary>POST /households/{householdId}/members: a person joins the household.</summary>
public static class JoinMemberHandler
{
    public static void Map(IEndpointRouteBuilder app) => app
        .MapPost("/households/{householdId}/members", (HttpContext http, string householdId) =>
            WriteEndpoint.SendAsync<JoinMember>(http, householdId, (body, _) => body with { PersonId = Guid.CreateVersion7() }))
        .DescribesWrite<JoinMember, MemberJoinedAnswer>("Members", Access.HouseholdWrite,
            "A person joins the household.", StatusCodes.Status201Created);

    public static Task<WriteAnswer> Handle(HouseholdWrite<JoinMember> write, IDocumentSession session, HouseholdCommits commits, CancellationToken ct) =>
        commits.WriteAsync(session, write, ct, decided =>
            WriteAnswer.Created(new MemberJoinedAnswer(write.Command.PersonId, decided.Version), decided, write.HouseholdId));
}

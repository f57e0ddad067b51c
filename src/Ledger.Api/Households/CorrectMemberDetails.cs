using Ledger.Domain.Households;

namespace Ledger.Api.Households;

/// <summary>POST /households/{householdId}/members/{personId}/corrections: correct a member's recorded details.</summary>
public static class CorrectMemberDetailsHandler
{
    public static void Map(IEndpointRouteBuilder app) => app
        .MapPost("/households/{householdId}/members/{personId}/corrections", (HttpContext http, string householdId, string personId) =>
            WriteEndpoint.SendAsync<CorrectMemberDetails>(http, householdId, (body, _) => body with { PersonId = PersonIds.Parse(personId) }))
        .DescribesWrite<CorrectMemberDetails, VersionAnswer>("Members", Access.HouseholdWrite,
            "Correct a member's recorded details; only the fields given change.");

    public static Task<WriteAnswer> Handle(HouseholdWrite<CorrectMemberDetails> write, IDocumentSession session, HouseholdCommits commits, CancellationToken ct) =>
        commits.WriteAsync(session, write, ct, decided => WriteAnswer.Ok(new VersionAnswer(decided.Version), decided));
}

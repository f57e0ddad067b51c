using Ledger.Domain.Policies;

namespace Ledger.Api.Policies;

public sealed record PolicyIssuedAnswer(Guid PolicyId, long Version, UnderwritingOutcome Underwriting, IReadOnlyList<string> Reasons);

/// <summary>POST /households/{householdId}/policies: apply for a policy, issued at once when the rules accept it.</summary>
public static class IssuePolicyHandler
{
    public static void Map(IEndpointRouteBuilder app) => app
        .MapPost("/households/{householdId}/policies", (HttpContext http, string householdId) =>
            WriteEndpoint.SendAsync<IssuePolicy>(http, householdId,
                (body, _) => body with { PolicyId = Guid.CreateVersion7(), Applicant = LedgerAuth.Actor(http.User) }))
        .DescribePolicyWrite<IssuePolicy, PolicyIssuedAnswer>(
            "Apply for a policy: issued at once when the underwriting rules accept it, else referred to a person.", StatusCodes.Status201Created);

    public static Task<WriteAnswer> Handle(HouseholdWrite<IssuePolicy> write, IDocumentSession session, HouseholdCommits commits, CancellationToken ct) =>
        commits.WriteAsync(session, write, ct, decided =>
        {
            var underwriting = decided.Single<UnderwritingDecided>();
            return WriteAnswer.Created(new PolicyIssuedAnswer(write.Command.PolicyId, decided.Version, underwriting.Outcome, underwriting.Reasons),
                decided, write.HouseholdId);
        });
}

using Ledger.Domain.Policies;

namespace Ledger.Api.Policies;

public sealed record UnderwrittenAnswer(long Version, UnderwritingOutcome Underwriting);

/// <summary>POST …/policies/{policyId}/underwriting: a person decides a referred application.</summary>
public static class DecideUnderwritingHandler
{
    public static void Map(IEndpointRouteBuilder app) => app.MapPolicyWrite<DecideUnderwriting, UnderwrittenAnswer>("/underwriting",
        "A person decides a referred application.",
        (c, route, http) => c with { PolicyId = route.Policy, Underwriter = LedgerAuth.Actor(http.User) });

    public static Task<WriteAnswer> Handle(HouseholdWrite<DecideUnderwriting> write, IDocumentSession session, HouseholdCommits commits, CancellationToken ct) =>
        commits.WriteAsync(session, write, ct, decided => WriteAnswer.Ok(new UnderwrittenAnswer(decided.Version, decided.Single<UnderwritingDecided>().Outcome), decided));
}

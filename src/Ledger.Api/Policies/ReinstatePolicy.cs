using Ledger.Domain.Policies;

namespace Ledger.Api.Policies;

/// <summary>POST …/policies/{policyId}/reinstate: reinstate a suspended policy.</summary>
public static class ReinstatePolicyHandler
{
    public static void Map(IEndpointRouteBuilder app) => app.MapPolicyWrite<ReinstatePolicy, VersionAnswer>("/reinstate",
        "Reinstate a suspended policy by paying its arrears (new waiting period).",
        (c, route, _) => c with { PolicyId = route.Policy });

    public static Task<WriteAnswer> Handle(HouseholdWrite<ReinstatePolicy> write, IDocumentSession session, HouseholdCommits commits, CancellationToken ct) =>
        commits.WriteAsync(session, write, ct, decided => WriteAnswer.Ok(new VersionAnswer(decided.Version), decided));
}

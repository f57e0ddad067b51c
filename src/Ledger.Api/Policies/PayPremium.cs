using Ledger.Domain.Policies;

namespace Ledger.Api.Policies;

/// <summary>POST …/policies/{policyId}/premiums: record a premium payment.</summary>
public static class PayPremiumHandler
{
    public static void Map(IEndpointRouteBuilder app) => app.MapPolicyWrite<PayPremium, VersionAnswer>("/premiums",
        "Record a premium payment.",
        (c, route, _) => c with { PolicyId = route.Policy });

    public static Task<WriteAnswer> Handle(HouseholdWrite<PayPremium> write, IDocumentSession session, HouseholdCommits commits, CancellationToken ct) =>
        commits.WriteAsync(session, write, ct, decided => WriteAnswer.Ok(new VersionAnswer(decided.Version), decided));
}

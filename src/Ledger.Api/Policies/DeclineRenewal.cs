using Ledger.Domain.Policies;

namespace Ledger.Api.Policies;

/// <summary>POST …/policies/{policyId}/decline-renewal: the insurer declines to renew.</summary>
public static class DeclineRenewalHandler
{
    public static void Map(IEndpointRouteBuilder app) => app.MapPolicyWrite<DeclineRenewal, VersionAnswer>("/decline-renewal",
        "The insurer declines to renew (refused before the guaranteed-renewal horizon).",
        (c, route, _) => c with { PolicyId = route.Policy });

    public static Task<WriteAnswer> Handle(HouseholdWrite<DeclineRenewal> write, IDocumentSession session, HouseholdCommits commits, CancellationToken ct) =>
        commits.WriteAsync(session, write, ct, decided => WriteAnswer.Ok(new VersionAnswer(decided.Version), decided));
}

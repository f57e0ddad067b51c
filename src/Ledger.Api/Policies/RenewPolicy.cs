using Ledger.Domain.Policies;

namespace Ledger.Api.Policies;

public sealed record RenewedAnswer(long Version, bool Continuous);

/// <summary>POST …/policies/{policyId}/renew: renew for a new term.</summary>
public static class RenewPolicyHandler
{
    public static void Map(IEndpointRouteBuilder app) => app.MapPolicyWrite<RenewPolicy, RenewedAnswer>("/renew",
        "Renew for a new term.",
        (c, route, _) => c with { PolicyId = route.Policy });

    public static Task<WriteAnswer> Handle(HouseholdWrite<RenewPolicy> write, IDocumentSession session, HouseholdCommits commits, CancellationToken ct) =>
        commits.WriteAsync(session, write, ct, decided => WriteAnswer.Ok(new RenewedAnswer(decided.Version, decided.Single<PolicyRenewed>().Continuous), decided));
}

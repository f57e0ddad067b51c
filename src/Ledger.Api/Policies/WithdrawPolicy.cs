using Ledger.Domain.Policies;

namespace Ledger.Api.Policies;

public sealed record WithdrawnAnswer(long Version, decimal Refund, bool Voided);

/// <summary>POST …/policies/{policyId}/withdraw: withdraw inside the cooling-off period.</summary>
public static class WithdrawPolicyHandler
{
    public static void Map(IEndpointRouteBuilder app) => app.MapPolicyWrite<WithdrawPolicy, WithdrawnAnswer>("/withdraw",
        "Withdraw inside the cooling-off period: void from inception, full refund.",
        (c, route, _) => c with { PolicyId = route.Policy });

    public static Task<WriteAnswer> Handle(HouseholdWrite<WithdrawPolicy> write, IDocumentSession session, HouseholdCommits commits, CancellationToken ct) =>
        commits.WriteAsync(session, write, ct, decided => WriteAnswer.Ok(new WithdrawnAnswer(decided.Version, decided.Single<PolicyWithdrawnInCoolingOff>().Refund, Voided: true), decided));
}

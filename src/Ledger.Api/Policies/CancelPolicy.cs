using Ledger.Domain.Policies;

namespace Ledger.Api.Policies;

/// <summary>POST …/policies/{policyId}/cancel: cancel after the cooling-off period.</summary>
public static class CancelPolicyHandler
{
    public static void Map(IEndpointRouteBuilder app) => app.MapPolicyWrite<CancelPolicy, RefundAnswer>("/cancel",
        "Cancel after cooling-off; effectiveDate is the last covered day (pro-rata refund).",
        (c, route, _) => c with { PolicyId = route.Policy });

    public static Task<WriteAnswer> Handle(HouseholdWrite<CancelPolicy> write, IDocumentSession session, HouseholdCommits commits, CancellationToken ct) =>
        commits.WriteAsync(session, write, ct, decided => WriteAnswer.Ok(new RefundAnswer(decided.Version, decided.Single<PolicyCancelled>().Refund), decided));
}

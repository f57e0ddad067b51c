using Ledger.Domain.Policies;

namespace Ledger.Api.Policies;

public sealed record RefundAnswer(long Version, decimal Refund);

/// <summary>POST …/policies/{policyId}/insured/{personId}/remove: end one person's cover, with a pro-rata refund.</summary>
public static class RemoveInsuredHandler
{
    public static void Map(IEndpointRouteBuilder app) => app.MapPolicyWrite<RemoveInsured, RefundAnswer>("/insured/{personId}/remove",
        "End one person's cover; effectiveDate is their last covered day.",
        (c, route, _) => c with { PolicyId = route.Policy, PersonId = route.Person });

    public static Task<WriteAnswer> Handle(HouseholdWrite<RemoveInsured> write, IDocumentSession session, HouseholdCommits commits, CancellationToken ct) =>
        commits.WriteAsync(session, write, ct, decided => WriteAnswer.Ok(new RefundAnswer(decided.Version, decided.Single<InsuredRemoved>().Refund), decided));
}

using Ledger.Domain.Policies;

namespace Ledger.Api.Policies;

public sealed record PremiumDeltaAnswer(long Version, decimal PremiumDelta);

/// <summary>POST …/policies/{policyId}/insured: insure one more member mid-term.</summary>
public static class AddInsuredHandler
{
    public static void Map(IEndpointRouteBuilder app) => app.MapPolicyWrite<AddInsured, PremiumDeltaAnswer>("/insured",
        "Insure one more member mid-term (premium pro rata by days).",
        (c, route, _) => c with { PolicyId = route.Policy });

    public static Task<WriteAnswer> Handle(HouseholdWrite<AddInsured> write, IDocumentSession session, HouseholdCommits commits, CancellationToken ct) =>
        commits.WriteAsync(session, write, ct, decided => WriteAnswer.Ok(new PremiumDeltaAnswer(decided.Version, decided.Single<InsuredAdded>().PremiumDelta), decided));
}

using Ledger.Domain.Policies;

namespace Ledger.Api.Policies;

/// <summary>POST …/policies/{policyId}/vehicles: add a vehicle to a motor policy mid-term.</summary>
public static class AddVehicleHandler
{
    public static void Map(IEndpointRouteBuilder app) => app.MapPolicyWrite<AddVehicle, PremiumDeltaAnswer>("/vehicles",
        "Add a vehicle to a motor policy mid-term.",
        (c, route, _) => c with { PolicyId = route.Policy });

    public static Task<WriteAnswer> Handle(HouseholdWrite<AddVehicle> write, IDocumentSession session, HouseholdCommits commits, CancellationToken ct) =>
        commits.WriteAsync(session, write, ct, decided => WriteAnswer.Ok(new PremiumDeltaAnswer(decided.Version, decided.Single<VehicleAdded>().PremiumDelta), decided));
}

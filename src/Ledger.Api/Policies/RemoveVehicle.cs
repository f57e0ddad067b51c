using Ledger.Domain.Policies;

namespace Ledger.Api.Policies;

/// <summary>POST …/policies/{policyId}/vehicles/{plate}/remove: remove a vehicle, with a pro-rata refund.</summary>
public static class RemoveVehicleHandler
{
    public static void Map(IEndpointRouteBuilder app) => app.MapPolicyWrite<RemoveVehicle, RefundAnswer>("/vehicles/{plate}/remove",
        "Remove a vehicle; effectiveDate is its last covered day.",
        (c, route, _) => c with { PolicyId = route.Policy, Plate = route.Plate });

    public static Task<WriteAnswer> Handle(HouseholdWrite<RemoveVehicle> write, IDocumentSession session, HouseholdCommits commits, CancellationToken ct) =>
        commits.WriteAsync(session, write, ct, decided => WriteAnswer.Ok(new RefundAnswer(decided.Version, decided.Single<VehicleRemoved>().Refund), decided));
}

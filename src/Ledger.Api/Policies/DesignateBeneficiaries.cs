using Ledger.Domain.Policies;

namespace Ledger.Api.Policies;

/// <summary>POST …/policies/{policyId}/insured/{personId}/beneficiaries: name who is paid if the insured person dies.</summary>
public static class DesignateBeneficiariesHandler
{
    public static void Map(IEndpointRouteBuilder app) => app.MapPolicyWrite<DesignateBeneficiaries, VersionAnswer>("/insured/{personId}/beneficiaries",
        "Name who is paid if the insured person dies, with shares adding up to 100; an empty list revokes the designation.",
        (c, route, _) => c with { PolicyId = route.Policy, InsuredId = route.Person });

    public static Task<WriteAnswer> Handle(HouseholdWrite<DesignateBeneficiaries> write, IDocumentSession session, HouseholdCommits commits, CancellationToken ct) =>
        commits.WriteAsync(session, write, ct, decided => WriteAnswer.Ok(new VersionAnswer(decided.Version), decided));
}

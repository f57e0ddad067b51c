using Ledger.Api.Hosting;
using Ledger.Api.Households;
using Ledger.Api.Security;
using Ledger.Domain;
using Ledger.Domain.Policies;

namespace Ledger.Api.Policies;

public sealed record PolicyIssuedAnswer(Guid PolicyId, long Version, UnderwritingOutcome Underwriting, IReadOnlyList<string> Reasons);
public sealed record PremiumDeltaAnswer(long Version, decimal PremiumDelta);
public sealed record RefundAnswer(long Version, decimal Refund);
public sealed record WithdrawnAnswer(long Version, decimal Refund, bool Voided);
public sealed record RenewedAnswer(long Version, bool Continuous);
public sealed record UnderwrittenAnswer(long Version, UnderwritingOutcome Underwriting);

/// <summary>
/// The policy lifecycle over HTTP. Each operation is one line: its route, its command (the body, plus the ids from
/// the route) and its answer; the shared write pipeline does the rest (decision 0004).
/// </summary>
public static class PolicyEndpoints
{
    private const string Policy = "/households/{householdId}/policies/{policyId}";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/households/{householdId}/policies", (HttpContext http, string householdId) =>
                WriteEndpoint.ExecuteAsync<IssuePolicy>(http, nameof(IssuePolicy), householdId,
                    (body, _) => body with { PolicyId = Guid.CreateVersion7(), Applicant = LedgerAuth.Actor(http.User) },
                    (command, version, events, id) =>
                    {
                        var policyId = ((IssuePolicy)command).PolicyId;
                        var decision = events.OfType<UnderwritingDecided>().Single();
                        return new WriteAnswer(StatusCodes.Status201Created,
                            new PolicyIssuedAnswer(policyId, version, decision.Outcome, decision.Reasons), id, version,
                            $"/households/{id}");
                    }))
            .Describe<IssuePolicy, PolicyIssuedAnswer>(nameof(IssuePolicy),
                "Apply for a policy: issued at once when the underwriting rules accept it, else referred to a person.", StatusCodes.Status201Created);

        Write<DecideUnderwriting, UnderwrittenAnswer>(app, Policy + "/underwriting", "A person decides a referred application.",
            (c, route, http) => c with { PolicyId = route.Policy, Underwriter = LedgerAuth.Actor(http.User) },
            (_, v, events) => new(v, events.OfType<UnderwritingDecided>().Single().Outcome));
        Write<AddInsured, PremiumDeltaAnswer>(app, Policy + "/insured", "Insure one more member mid-term (premium pro rata by days).",
            (c, route, _) => c with { PolicyId = route.Policy },
            (_, v, events) => new(v, events.OfType<InsuredAdded>().Single().PremiumDelta));
        Write<DesignateBeneficiaries, VersionAnswer>(app, Policy + "/insured/{personId}/beneficiaries",
            "Name who is paid if the insured person dies, with shares adding up to 100; an empty list revokes the designation.",
            (c, route, _) => c with { PolicyId = route.Policy, InsuredId = route.Person },
            (_, v, _) => new(v));
        Write<RemoveInsured, RefundAnswer>(app, Policy + "/insured/{personId}/remove", "End one person's cover; effectiveDate is their last covered day.",
            (c, route, _) => c with { PolicyId = route.Policy, PersonId = route.Person },
            (_, v, events) => new(v, events.OfType<InsuredRemoved>().Single().Refund));
        Write<AddVehicle, PremiumDeltaAnswer>(app, Policy + "/vehicles", "Add a vehicle to a motor policy mid-term.",
            (c, route, _) => c with { PolicyId = route.Policy },
            (_, v, events) => new(v, events.OfType<VehicleAdded>().Single().PremiumDelta));
        Write<RemoveVehicle, RefundAnswer>(app, Policy + "/vehicles/{plate}/remove", "Remove a vehicle; effectiveDate is its last covered day.",
            (c, route, _) => c with { PolicyId = route.Policy, Plate = route.Plate },
            (_, v, events) => new(v, events.OfType<VehicleRemoved>().Single().Refund));
        Write<PayPremium, VersionAnswer>(app, Policy + "/premiums", "Record a premium payment.",
            (c, route, _) => c with { PolicyId = route.Policy }, (_, v, _) => new(v));
        Write<WithdrawPolicy, WithdrawnAnswer>(app, Policy + "/withdraw", "Withdraw inside the cooling-off period: void from inception, full refund.",
            (c, route, _) => c with { PolicyId = route.Policy },
            (_, v, events) => new(v, events.OfType<PolicyWithdrawnInCoolingOff>().Single().Refund, Voided: true));
        Write<CancelPolicy, RefundAnswer>(app, Policy + "/cancel", "Cancel after cooling-off; effectiveDate is the last covered day (pro-rata refund).",
            (c, route, _) => c with { PolicyId = route.Policy },
            (_, v, events) => new(v, events.OfType<PolicyCancelled>().Single().Refund));
        Write<ReinstatePolicy, VersionAnswer>(app, Policy + "/reinstate", "Reinstate a suspended policy by paying its arrears (new waiting period).",
            (c, route, _) => c with { PolicyId = route.Policy }, (_, v, _) => new(v));
        Write<RenewPolicy, RenewedAnswer>(app, Policy + "/renew", "Renew for a new term.",
            (c, route, _) => c with { PolicyId = route.Policy },
            (_, v, events) => new(v, events.OfType<PolicyRenewed>().Single().Continuous));
        Write<DeclineRenewal, VersionAnswer>(app, Policy + "/decline-renewal", "The insurer declines to renew (refused before the guaranteed-renewal horizon).",
            (c, route, _) => c with { PolicyId = route.Policy }, (_, v, _) => new(v));
    }

    /// <summary>Ids named by the route; a malformed id can name nothing, so it is an unknown one (404).</summary>
    private sealed record RouteIds(Guid Policy, Guid Person, string Plate)
    {
        public static RouteIds Parse(string policyId, string? personId, string? plate) => new(
            Guid.TryParse(policyId, out var policy)
                ? policy
                : throw new DomainRuleViolated("UnknownPolicy", $"'{policyId}' is not a policy id.", ViolationKind.NotFound),
            personId is null ? Guid.Empty : PersonIds.Parse(personId),
            plate is null ? "" : Uri.UnescapeDataString(plate));
    }

    private static void Write<TBody, TAnswer>(
        IEndpointRouteBuilder app, string pattern, string summary,
        Func<TBody, RouteIds, HttpContext, TBody> withIds, Func<TBody, long, IReadOnlyList<object>, TAnswer> answer)
        where TBody : class
        where TAnswer : notnull
    {
        var operation = typeof(TBody).Name;
        Task<IResult> Execute(HttpContext http, string householdId, string policyId, string? personId = null, string? plate = null) =>
            WriteEndpoint.ExecuteAsync<TBody>(http, operation, householdId,
                (body, _) => withIds(body, RouteIds.Parse(policyId, personId, plate), http),
                (command, version, events, id) =>
                    new WriteAnswer(StatusCodes.Status200OK, answer((TBody)command, version, events), id, version, null));

        // The handler binds every value its route names: the OpenAPI generator declares only the parameters a
        // handler binds, and a path whose parameters are not declared makes the document invalid.
        var endpoint = pattern.Contains("{personId}", StringComparison.Ordinal)
            ? app.MapPost(pattern, (HttpContext http, string householdId, string policyId, string personId) => Execute(http, householdId, policyId, personId: personId))
            : pattern.Contains("{plate}", StringComparison.Ordinal)
                ? app.MapPost(pattern, (HttpContext http, string householdId, string policyId, string plate) => Execute(http, householdId, policyId, plate: plate))
                : app.MapPost(pattern, (HttpContext http, string householdId, string policyId) => Execute(http, householdId, policyId));
        endpoint.Describe<TBody, TAnswer>(operation, summary, StatusCodes.Status200OK);
    }

    private static RouteHandlerBuilder Describe<TBody, TAnswer>(this RouteHandlerBuilder endpoint, string name, string summary, int status)
        where TBody : notnull =>
        endpoint.WithName(name).WithSummary(summary).WithTags("Policies")
            .RequireAuthorization(Ledger.Api.Security.Access.HouseholdWrite)
            .Accepts<TBody>("application/json")
            .Produces<TAnswer>(status)
            .ProducesWriteProblems();
}

using Ledger.Domain;

namespace Ledger.Api.Policies;

/// <summary>Ids named by a policy route; a malformed id can name nothing, so it is an unknown one (404).</summary>
public sealed record PolicyRoute(Guid Policy, Guid Person, string Plate)
{
    public static PolicyRoute Parse(string policyId, string? personId, string? plate) => new(
        Guid.TryParse(policyId, out var policy)
            ? policy
            : throw new DomainRuleViolated("UnknownPolicy", $"'{policyId}' is not a policy id.", ViolationKind.NotFound),
        personId is null ? Guid.Empty : PersonIds.Parse(personId),
        plate is null ? "" : Uri.UnescapeDataString(plate));
}

/// <summary>How an operation on one policy is mapped: POST under <c>/households/{householdId}/policies/{policyId}</c>.</summary>
public static class PolicyRoutes
{
    public const string Policy = "/households/{householdId}/policies/{policyId}";

    /// <summary>
    /// Maps <typeparamref name="TCommand"/> at <paramref name="path"/> below the policy; <paramref name="complete"/> puts
    /// the route's ids (and the caller, where the command records who decided) into the command.
    /// </summary>
    public static RouteHandlerBuilder MapPolicyWrite<TCommand, TAnswer>(
        this IEndpointRouteBuilder app, string path, string summary, Func<TCommand, PolicyRoute, HttpContext, TCommand> complete)
        where TCommand : class
        where TAnswer : notnull
    {
        var pattern = Policy + path;
        Task<IResult> Send(HttpContext http, string householdId, string policyId, string? personId = null, string? plate = null) =>
            WriteEndpoint.SendAsync<TCommand>(http, householdId, (body, _) => complete(body, PolicyRoute.Parse(policyId, personId, plate), http));

        // The handler binds every value its route names: the OpenAPI generator declares only the parameters a
        // handler binds, and a path whose parameters are not declared makes the document invalid.
        var endpoint = pattern.Contains("{personId}", StringComparison.Ordinal)
            ? app.MapPost(pattern, (HttpContext http, string householdId, string policyId, string personId) => Send(http, householdId, policyId, personId: personId))
            : pattern.Contains("{plate}", StringComparison.Ordinal)
                ? app.MapPost(pattern, (HttpContext http, string householdId, string policyId, string plate) => Send(http, householdId, policyId, plate: plate))
                : app.MapPost(pattern, (HttpContext http, string householdId, string policyId) => Send(http, householdId, policyId));
        return endpoint.DescribePolicyWrite<TCommand, TAnswer>(summary, StatusCodes.Status200OK);
    }

    public static RouteHandlerBuilder DescribePolicyWrite<TCommand, TAnswer>(this RouteHandlerBuilder endpoint, string summary, int status)
        where TCommand : notnull =>
        endpoint.DescribesWrite<TCommand, TAnswer>("Policies", Access.HouseholdWrite, summary, status);
}

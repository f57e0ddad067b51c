using Ledger.Domain;

namespace Ledger.Api.Claims;

/// <summary>How an operation on one claim is mapped: POST under <c>/households/{householdId}/claims/{claimId}</c>.</summary>
public static class ClaimRoutes
{
    /// <summary>
    /// Maps <typeparamref name="TCommand"/> at <paramref name="path"/> below the claim, for callers holding
    /// <paramref name="access"/>; <paramref name="complete"/> puts the claim id (and who decided) into the command.
    /// </summary>
    public static RouteHandlerBuilder MapClaimWrite<TCommand, TAnswer>(
        this IEndpointRouteBuilder app, string path, string summary, string access, Func<TCommand, Guid, HttpContext, TCommand> complete)
        where TCommand : class
        where TAnswer : notnull =>
        app.MapPost("/households/{householdId}/claims/{claimId}" + path, (HttpContext http, string householdId, string claimId) =>
                WriteEndpoint.SendAsync<TCommand>(http, householdId, (body, _) => complete(body, Guid.TryParse(claimId, out var id)
                    ? id
                    : throw new DomainRuleViolated("UnknownClaim", $"'{claimId}' is not a claim id.", ViolationKind.NotFound), http)))
            .DescribesWrite<TCommand, TAnswer>("Claims", access, summary);
}

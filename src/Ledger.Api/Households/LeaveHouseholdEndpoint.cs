using Ledger.Api.Hosting;
using Ledger.Domain.Households;
using Ledger.Domain.Policies;

namespace Ledger.Api.Households;

public sealed record VersionAnswer(long Version);

/// <summary>A refund owed because a leaving member's cover ended on a policy.</summary>
public sealed record PolicyRefund(Guid PolicyId, decimal Refund);

public sealed record MemberLeftAnswer(long Version, IReadOnlyList<PolicyRefund> Refunds);

public static class LeaveHouseholdEndpoint
{
    public static void Map(IEndpointRouteBuilder app) => app
        .MapPost("/households/{householdId}/members/{personId}/leave", (HttpContext http, string householdId, string personId) =>
            WriteEndpoint.ExecuteAsync<LeaveHousehold>(http, nameof(LeaveHousehold), householdId,
                (body, _) => body with { PersonId = PersonIds.Parse(personId) },
                (_, version, events, id) => new WriteAnswer(StatusCodes.Status200OK,
                    new MemberLeftAnswer(version, events.OfType<InsuredRemoved>().Select(r => new PolicyRefund(r.PolicyId, r.Refund)).ToList()),
                    id, version, null)))
        .WithName(nameof(LeaveHousehold)).WithTags("Members")
        .RequireAuthorization(Ledger.Api.Security.Access.HouseholdWrite)
        .WithSummary("A member leaves the household; effectiveDate is their last day as a member. Ends their cover on every policy, with pro-rata refunds.")
        .Accepts<LeaveHousehold>("application/json")
        .Produces<MemberLeftAnswer>()
        .ProducesWriteProblems();
}

/// <summary>Person ids in routes: a malformed one cannot name anybody, so it is an unknown person, not a bad request.</summary>
public static class PersonIds
{
    public static Guid Parse(string text) =>
        Guid.TryParse(text, out var id)
            ? id
            : throw new Ledger.Domain.DomainRuleViolated("UnknownPerson", $"'{text}' is not a person id.", Ledger.Domain.ViolationKind.NotFound);
}

using Ledger.Domain;
using Ledger.Domain.Households;
using Ledger.Domain.Policies;

namespace Ledger.Api.Households;

public sealed record VersionAnswer(long Version);

/// <summary>A refund owed because a leaving member's cover ended on a policy.</summary>
public sealed record PolicyRefund(Guid PolicyId, decimal Refund);

public sealed record MemberLeftAnswer(long Version, IReadOnlyList<PolicyRefund> Refunds);

/// <summary>POST /households/{householdId}/members/{personId}/leave: a member leaves, their cover ends with pro-rata refunds.</summary>
public static class LeaveHouseholdHandler
{
    public static void Map(IEndpointRouteBuilder app) => app
        .MapPost("/households/{householdId}/members/{personId}/leave", (HttpContext http, string householdId, string personId) =>
            WriteEndpoint.SendAsync<LeaveHousehold>(http, householdId, (body, _) => body with { PersonId = PersonIds.Parse(personId) }))
        .DescribesWrite<LeaveHousehold, MemberLeftAnswer>("Members", Access.HouseholdWrite,
            "A member leaves the household; effectiveDate is their last day as a member. Ends their cover on every policy, with pro-rata refunds.");

    public static Task<WriteAnswer> Handle(HouseholdWrite<LeaveHousehold> write, IDocumentSession session, HouseholdCommits commits, CancellationToken ct) =>
        commits.WriteAsync(session, write, ct, decided => WriteAnswer.Ok(
            new MemberLeftAnswer(decided.Version, decided.Events.OfType<InsuredRemoved>().Select(r => new PolicyRefund(r.PolicyId, r.Refund)).ToList()),
            decided));
}

/// <summary>Person ids in routes: a malformed one cannot name anybody, so it is an unknown person, not a bad request.</summary>
public static class PersonIds
{
    public static Guid Parse(string text) =>
        Guid.TryParse(text, out var id)
            ? id
            : throw new DomainRuleViolated("UnknownPerson", $"'{text}' is not a person id.", ViolationKind.NotFound);
}

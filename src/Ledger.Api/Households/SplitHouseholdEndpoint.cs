using Ledger.Api.Hosting;
using Ledger.Domain.Households;

namespace Ledger.Api.Households;

/// <param name="Version">The split household's version after the split.</param>
/// <param name="NewVersion">The new household's version (its opening events).</param>
public sealed record HouseholdSplitAnswer(Guid NewHouseholdId, string NewHouseholdNumber, long Version, long NewVersion);

public static class SplitHouseholdEndpoint
{
    public static void Map(IEndpointRouteBuilder app) => app
        .MapPost("/households/{householdId}/split", async (HttpContext http, string householdId, HouseholdNumbers numbers) =>
        {
            var number = await numbers.NextAsync(http.RequestAborted);
            return await WriteEndpoint.ExecuteAsync<SplitHousehold>(http, nameof(SplitHousehold), householdId,
                (body, _) => body with { NewHouseholdId = Guid.CreateVersion7(), NewHouseholdNumber = number },
                (command, version, _, id) =>
                {
                    var split = (SplitHousehold)command;
                    return new WriteAnswer(StatusCodes.Status201Created,
                        new HouseholdSplitAnswer(split.NewHouseholdId, split.NewHouseholdNumber, version, split.PersonIds.Count + 1),
                        id, version, $"/households/{split.NewHouseholdId}");
                });
        })
        .WithName(nameof(SplitHousehold)).WithTags("Households")
        .RequireAuthorization(Ledger.Api.Security.Access.HouseholdWrite)
        .WithSummary("Part of the family moves into a household of its own, keeping their person ids; their cover here ends the day before.")
        .Accepts<SplitHousehold>("application/json")
        .Produces<HouseholdSplitAnswer>(StatusCodes.Status201Created)
        .ProducesWriteProblems();
}

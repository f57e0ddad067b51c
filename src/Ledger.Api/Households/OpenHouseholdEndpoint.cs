using Ledger.Api.Hosting;
using Ledger.Domain.Households;

namespace Ledger.Api.Households;

public sealed record HouseholdOpenedAnswer(Guid HouseholdId, string HouseholdNumber, Guid HolderId, long Version);

public static class OpenHouseholdEndpoint
{
    public static void Map(IEndpointRouteBuilder app) => app
        .MapPost("/households", async (HttpContext http, HouseholdNumbers numbers) =>
        {
            // Allocated before validation: a refused request leaves a gap in the numbering, never a duplicate.
            var number = await numbers.NextAsync(http.RequestAborted);
            return await WriteEndpoint.ExecuteAsync<OpenHousehold>(http, nameof(OpenHousehold), null,
                (body, householdId) => body with
                {
                    HouseholdId = householdId,
                    HolderId = Guid.CreateVersion7(),
                    HouseholdNumber = number,
                },
                (command, version, _, householdId) =>
                {
                    var open = (OpenHousehold)command;
                    return new WriteAnswer(StatusCodes.Status201Created,
                        new HouseholdOpenedAnswer(householdId, open.HouseholdNumber, open.HolderId, version),
                        householdId, version, $"/households/{householdId}");
                });
        })
        .WithName(nameof(OpenHousehold)).WithTags("Households")
        .RequireAuthorization(Ledger.Api.Security.Access.HouseholdWrite)
        .WithSummary("Open a household (family account) with its holder as first member.")
        .Accepts<OpenHousehold>("application/json")
        .Produces<HouseholdOpenedAnswer>(StatusCodes.Status201Created)
        .ProducesWriteProblems();
}

using Ledger.Domain.Households;

namespace Ledger.Api.Households;

public sealed record HouseholdOpenedAnswer(Guid HouseholdId, string HouseholdNumber, Guid HolderId, long Version);

/// <summary>POST /households: open a household with its holder as first member.</summary>
public static class OpenHouseholdHandler
{
    public static void Map(IEndpointRouteBuilder app) => app
        .MapPost("/households", async (HttpContext http, HouseholdNumbers numbers) =>
        {
            // Allocated before validation: a refused request leaves a gap in the numbering, never a duplicate.
            var number = await numbers.NextAsync(http.RequestAborted);
            return await WriteEndpoint.SendAsync<OpenHousehold>(http, null, (body, householdId) => body with
            {
                HouseholdId = householdId,
                HolderId = Guid.CreateVersion7(),
                HouseholdNumber = number,
            });
        })
        .DescribesWrite<OpenHousehold, HouseholdOpenedAnswer>("Households", Access.HouseholdWrite,
            "Open a household (family account) with its holder as first member.", StatusCodes.Status201Created);

    public static Task<WriteAnswer> Handle(HouseholdWrite<OpenHousehold> write, IDocumentSession session, BusinessCalendar calendar, CancellationToken ct) =>
        HouseholdWriter.OpenAsync(session, calendar, write, ct, decided => WriteAnswer.Created(
            new HouseholdOpenedAnswer(write.HouseholdId, write.Command.HouseholdNumber, write.Command.HolderId, decided.Version),
            decided, write.HouseholdId));
}

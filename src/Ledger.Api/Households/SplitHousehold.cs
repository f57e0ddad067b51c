using Ledger.Domain.Households;

namespace Ledger.Api.Households;

/// <param name="Version">The split household's version after the split.</param>
/// <param name="NewVersion">The new household's version (its opening events).</param>
public sealed record HouseholdSplitAnswer(Guid NewHouseholdId, string NewHouseholdNumber, long Version, long NewVersion);

/// <summary>POST /households/{householdId}/split: part of the family moves into a household of its own.</summary>
public static class SplitHouseholdHandler
{
    public static void Map(IEndpointRouteBuilder app) => app
        .MapPost("/households/{householdId}/split", async (HttpContext http, string householdId, HouseholdNumbers numbers) =>
        {
            var number = await numbers.NextAsync(http.RequestAborted);
            return await WriteEndpoint.SendAsync<SplitHousehold>(http, householdId,
                (body, _) => body with { NewHouseholdId = Guid.CreateVersion7(), NewHouseholdNumber = number });
        })
        .DescribesWrite<SplitHousehold, HouseholdSplitAnswer>("Households", Access.HouseholdWrite,
            "Part of the family moves into a household of its own, keeping their person ids; their cover here ends the day before.", StatusCodes.Status201Created);

    public static Task<WriteAnswer> Handle(HouseholdWrite<SplitHousehold> write, IDocumentSession session, HouseholdCommits commits, CancellationToken ct) =>
        commits.WriteAsync(session, write, ct, decided =>
        {
            // The new household starts in the same transaction: the split happens whole or not at all.
            var split = write.Command;
            var opened = HouseholdDecider.NewHouseholdFromSplit(split, decided.Before!);
            decided.StartHousehold(split.NewHouseholdId, opened);
            return WriteAnswer.Created(new HouseholdSplitAnswer(split.NewHouseholdId, split.NewHouseholdNumber, decided.Version, opened.Count),
                decided, split.NewHouseholdId);
        });
}

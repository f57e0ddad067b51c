using System.Text.RegularExpressions;
using Ledger.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Api.Tests.Hosting;

/// <summary>The all-zero id names nothing: in any route slot of any endpoint it is 404 with that slot's code, never 500.</summary>
public sealed class UnusableIdTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    private const string Zero = "00000000-0000-0000-0000-000000000000";

    private static readonly Dictionary<string, string> CodeOf = new()
    {
        ["householdId"] = "UnknownHousehold", ["personId"] = "UnknownPerson", ["policyId"] = "UnknownPolicy", ["claimId"] = "UnknownClaim",
    };

    private IReadOnlyList<(string Method, string Pattern)> RoutesWithIds() =>
        Fixture.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Method: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.FirstOrDefault() ?? "GET", Pattern: "/" + e.RoutePattern.RawText!.TrimStart('/')))
            .Where(e => CodeOf.Keys.Any(k => e.Pattern.Contains("{" + k + "}", StringComparison.Ordinal)))
            .Distinct()
            .ToList();

    [Fact]
    public async Task The_all_zero_id_in_any_slot_of_any_route_is_not_found()
    {
        var (household, holder, _) = await Api.OpenHousehold();
        var routes = RoutesWithIds();
        Assert.True(routes.Count(r => r.Method == "POST") >= 20, $"only {routes.Count(r => r.Method == "POST")} write routes found");

        foreach (var (method, pattern) in routes)
        {
            foreach (var slot in CodeOf.Keys.Where(k => pattern.Contains("{" + k + "}", StringComparison.Ordinal)))
            {
                var url = Regex.Replace(pattern, "\\{([^}]+)\\}", m => m.Groups[1].Value switch
                {
                    var name when name == slot => Zero,
                    "householdId" => household.ToString(),
                    "personId" => holder.ToString(),
                    "plate" => "京A12345",
                    "version" => "1",
                    _ => Guid.NewGuid().ToString(),
                });
                await Refused(404, CodeOf[slot], () => Api.Send(new HttpMethod(method), url, method == "POST" ? "{}" : null, []));
            }
        }
    }

    [Fact]
    public async Task Well_formed_writes_to_the_all_zero_household_are_not_found()
    {
        await Refused(404, "UnknownHousehold", () => Api.Post($"/households/{Zero}/members",
            new { name = "李娜", dateOfBirth = "2015-06-18", relationship = "child", effectiveDate = "2025-01-01" }));
        await Refused(404, "UnknownHousehold", () => Api.Post($"/households/{Zero}/policies", new
        {
            category = "criticalIllness", productCode = "CI-CLASSIC", policyholderId = Guid.NewGuid(), termStart = "2025-07-01", termEnd = "2026-06-30",
            insured = new[] { new { personId = Guid.NewGuid(), annualPremium = 2600m } },
        }));
        await Refused(404, "UnknownHousehold", () => Api.Post($"/households/{Zero}/members/{Guid.NewGuid()}/leave",
            new { effectiveDate = "2025-05-01", cause = "moved" }));
    }
}

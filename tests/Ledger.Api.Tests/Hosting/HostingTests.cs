using System.Text.Json;
using Ledger.Api.Households;
using Ledger.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Api.Tests.Hosting;

public sealed class HostingTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    [Fact]
    public async Task Readiness_checks_the_database()
    {
        await Fixture.Host.Services.GetRequiredService<Ledger.Api.Hosting.WarmUp>().Completed.WaitAsync(TimeSpan.FromMinutes(1));
        var answer = await Api.Get("/health/ready");
        Assert.Equal(200, answer.Code);
        Assert.Equal("Healthy", answer.Json.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_openapi_document_describes_every_endpoint_with_iso_dates()
    {
        var answer = await Api.Get("/openapi/v1.json");
        Assert.Equal(200, answer.Code);
        var paths = answer.Json.GetProperty("paths");
        foreach (var path in new[]
                 {
                     "/households", "/households/{householdId}", "/households/{householdId}/members",
                     "/households/{householdId}/members/{personId}/leave", "/households/{householdId}/members/{personId}/corrections",
                     "/households/{householdId}/coverage", "/households/{householdId}/history", "/households/{householdId}/history/{version}",
                 })
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI lacks {path}");

        var schemas = answer.Json.GetProperty("components").GetProperty("schemas");
        System.Text.Json.JsonElement Resolve(System.Text.Json.JsonElement schema) =>
            schema.TryGetProperty("$ref", out var r) ? schemas.GetProperty(r.GetString()!.Split('/')[^1]) : schema;
        var openedOn = Resolve(schemas.GetProperty("OpenHousehold").GetProperty("properties").GetProperty("openedOn"));
        Assert.Equal("string", openedOn.GetProperty("type").GetString());
        Assert.Equal("date", openedOn.GetProperty("format").GetString());
        var recordedAt = Resolve(schemas.GetProperty("HistoryEntry").GetProperty("properties").GetProperty("recordedAt"));
        Assert.Equal("date-time", recordedAt.GetProperty("format").GetString());
        var relationship = Resolve(schemas.GetProperty("JoinMember").GetProperty("properties").GetProperty("relationship"));
        Assert.Equal(["self", "spouse", "child", "parent", "other"], relationship.GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    [Fact]
    public async Task The_interactive_api_reference_is_served()
    {
        var answer = await Fixture.Client.GetAsync("/docs/v1");
        Assert.Equal(200, (int)answer.StatusCode);
    }

    [Fact]
    public async Task The_support_console_is_served()
    {
        var answer = await Fixture.Client.GetAsync("/");
        Assert.Equal(200, (int)answer.StatusCode);
        Assert.Contains("/console.js", await answer.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_path_is_a_problem_not_an_empty_page()
    {
        var answer = await Api.Get("/no/such/path");
        Assert.Equal(404, answer.Code);
        Assert.Equal("application/problem+json", answer.ContentType);
    }

    [Fact]
    public void Every_stored_event_name_is_in_the_event_catalogue_doc()
    {
        var doc = File.ReadAllText(Repo.PathOf("docs/events.md"));
        foreach (var name in EventCatalogue.StoredNames.Values)
            Assert.Contains($"`{name}`", doc);
    }

    [Fact]
    public void Every_event_type_has_a_stored_name_so_renaming_a_class_cannot_rename_stored_events()
    {
        var events = typeof(Ledger.Domain.Households.IHouseholdEvent).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(Ledger.Domain.Households.IHouseholdEvent).IsAssignableFrom(t));

        Assert.Empty(events.Where(t => !EventCatalogue.StoredNames.ContainsKey(t)).Select(t => t.Name));
    }

    [Fact]
    public void Json_errors_never_leak_dotnet_type_names()
    {
        var (_, error) = Ledger.Api.Hosting.WriteEndpoint.Parse<Ledger.Domain.Households.JoinMember>(
            System.Text.Encoding.UTF8.GetBytes("""{ "name": 1, "dateOfBirth": "2015-06-18", "relationship": "child", "effectiveDate": "2025-01-01" }"""));
        var problem = JsonSerializer.Serialize(((Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult)error!).ProblemDetails);
        Assert.DoesNotContain("System.", problem);
        Assert.DoesNotContain("Ledger.", problem);
    }
}

using System.Text.Json;
using Ledger.Api.Households;
using Ledger.Api.Tests.Infrastructure;

namespace Ledger.Api.Tests.Hosting;

public sealed class HostingTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    [Fact]
    public async Task Liveness_answers_without_the_database()
    {
        var answer = await Api.Get("/health/live");
        Assert.Equal(200, answer.Code);
    }

    [Fact]
    public async Task Readiness_checks_the_database()
    {
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
    public async Task The_replay_command_prints_the_timeline_and_the_view()
    {
        var (id, _, number) = await Api.OpenHousehold("Zoë Martin");
        var spouse = await Api.Join(id, "Lucas Martin", "spouse", "1988-07-22");
        await Api.Post($"/households/{id}/members/{spouse}/leave", new { effectiveDate = "2025-05-31", cause = "moved" }, LedgerFixture.As("clerk.wang"));

        var (exit, output) = await Repo.RunLedgerAsync(["replay", number, "--to-version", "3", "--on", "2025-06-01"],
            new Dictionary<string, string?> { ["ConnectionStrings__Ledger"] = Fixture.ConnectionString, ["Ledger__SeedDemo"] = "false" },
            TimeSpan.FromMinutes(2));

        Assert.True(exit == 0, output);
        Assert.Contains("HouseholdOpened", output);
        Assert.Contains("MemberJoined", output);
        Assert.DoesNotContain("MemberLeft", output);
        Assert.Contains("Zoë Martin", output);
        Assert.Contains("Lucas Martin", output);
        Assert.Contains("View after version 3", output);

        (exit, output) = await Repo.RunLedgerAsync(["replay", id.ToString()],
            new Dictionary<string, string?> { ["ConnectionStrings__Ledger"] = Fixture.ConnectionString, ["Ledger__SeedDemo"] = "false" },
            TimeSpan.FromMinutes(2));
        Assert.True(exit == 0, output);
        Assert.Contains("MemberLeft", output);
        Assert.Contains("clerk.wang", output);
    }

    [Fact]
    public async Task The_replay_command_fails_clearly_for_an_unknown_household()
    {
        var (exit, output) = await Repo.RunLedgerAsync(["replay", "HH99999999"],
            new Dictionary<string, string?> { ["ConnectionStrings__Ledger"] = Fixture.ConnectionString, ["Ledger__SeedDemo"] = "false" },
            TimeSpan.FromMinutes(2));
        Assert.NotEqual(0, exit);
        Assert.Contains("No household 'HH99999999'", output);
    }

    [Fact]
    public async Task Without_a_database_or_server_binaries_ledger_names_the_ways_to_get_one()
    {
        var (exit, output) = await Repo.RunLedgerAsync([],
            new Dictionary<string, string?> { ["Ledger__PostgresBinDirectory"] = "/nonexistent/postgres/bin" },
            TimeSpan.FromMinutes(1));

        Assert.Equal(2, exit);
        Assert.Contains("apt-get install postgresql", output);
        Assert.Contains("docker compose up -d db", output);
        Assert.Contains("ConnectionStrings__Ledger", output);
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

using Ledger.Api.Tests.Infrastructure;

namespace Ledger.Api.Tests.Households;

public sealed class OpenHouseholdTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    [Fact]
    public async Task Opening_answers_201_with_ids_version_etag_and_location()
    {
        var answer = await Api.Post("/households", """{ "holder": { "name": "张伟", "dateOfBirth": "1985-04-12", "idNumber": "110101198504120011" }, "openedOn": "2025-01-01" }""");

        Assert.Equal(201, answer.Code);
        Assert.Equal(2, answer.Long("version"));
        Assert.Equal("\"2\"", answer.ETag);
        Assert.Matches("^HH[0-9]{8}$", answer.Str("householdNumber"));
        var id = answer.Id("householdId");
        Assert.Equal($"/households/{id}", answer.Headers.Location?.ToString());

        var view = await Api.Get($"/households/{id}");
        Assert.Equal(200, view.Code);
        var holder = view.Json.GetProperty("members")[0];
        Assert.Equal(answer.Id("holderId"), holder.GetProperty("personId").GetGuid());
        Assert.Equal("self", holder.GetProperty("relationship").GetString());
        Assert.Equal("110101198504120011", holder.GetProperty("idNumber").GetString());
    }

    [Theory]
    [InlineData("张伟")]
    [InlineData("Zoë Ångström-Øster")]
    [InlineData("Nguyễn Thị Minh Khai")]
    [InlineData("محمد بن سلمان")]
    [InlineData("👩‍👩‍👧 Family")]
    [InlineData("O'Brien-Łukasz")]
    [InlineData("👨\u200D👩\u200D👧")]
    public async Task Names_in_any_script_round_trip_exactly(string name)
    {
        var (id, _, _) = await Api.OpenHousehold(name);

        var view = await Api.Get($"/households/{id}");
        Assert.Equal(name, view.Json.GetProperty("members")[0].GetProperty("name").GetString());
        if (!name.Any(char.IsSurrogate)) Assert.Contains(name, view.Raw); // written as itself, not \u-escaped
        var history = await Api.Get($"/households/{id}/history");
        Assert.Equal(name, history.Json[1].GetProperty("data").GetProperty("name").GetString());
    }

    [Fact]
    public Task Malformed_json_is_400() =>
        Refused(400, "ValidationFailed", () => Api.Post("/households", """{ "holder": { "name": "张伟", """));

    [Fact]
    public Task A_name_of_the_wrong_type_is_400() =>
        Refused(400, "ValidationFailed", () => Api.Post("/households", """{ "holder": { "name": 42, "dateOfBirth": "1985-04-12" }, "openedOn": "2025-01-01" }"""));

    [Theory]
    [InlineData("2025-02-30")]
    [InlineData("2025-13-01")]
    [InlineData("01/02/2025")]
    [InlineData("2025-01-01T00:00:00Z")]
    [InlineData("")]
    public async Task An_impossible_date_is_400_naming_the_field(string date)
    {
        var answer = await Refused(400, "ValidationFailed", () =>
            Api.Post("/households", $$"""{ "holder": { "name": "张伟", "dateOfBirth": "1985-04-12" }, "openedOn": "{{date}}" }"""));
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty("openedOn", out _), answer.Raw);
    }

    [Fact]
    public async Task A_date_given_as_a_number_is_400()
    {
        var answer = await Refused(400, "ValidationFailed", () =>
            Api.Post("/households", """{ "holder": { "name": "张伟", "dateOfBirth": 19850412 }, "openedOn": "2025-01-01" }"""));
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty("holder.dateOfBirth", out _), answer.Raw);
    }

    [Fact]
    public async Task Missing_fields_are_400_and_named()
    {
        var answer = await Refused(400, "ValidationFailed", () => Api.Post("/households", """{ "openedOn": "2025-01-01" }"""));
        Assert.Contains("holder", answer.Raw);
        answer = await Refused(400, "ValidationFailed", () => Api.Post("/households", """{ "holder": { "name": "张伟" }, "openedOn": "2025-01-01" }"""));
        Assert.Contains("dateOfBirth", answer.Raw);
    }

    [Fact]
    public Task A_null_name_is_400() =>
        Refused(400, "ValidationFailed", () => Api.Post("/households", """{ "holder": { "name": null, "dateOfBirth": "1985-04-12" }, "openedOn": "2025-01-01" }"""));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task An_empty_name_is_400(string name)
    {
        var answer = await Refused(400, "ValidationFailed", () =>
            Api.Post("/households", new { holder = new { name, dateOfBirth = "1985-04-12" }, openedOn = "2025-01-01" }));
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty("holder.name", out _), answer.Raw);
    }

    [Fact]
    public async Task A_ten_thousand_character_name_is_400()
    {
        var answer = await Refused(400, "ValidationFailed", () =>
            Api.Post("/households", new { holder = new { name = new string('张', 10_000), dateOfBirth = "1985-04-12" }, openedOn = "2025-01-01" }));
        Assert.Contains("at most 200", answer.Raw);
    }

    [Fact]
    public Task A_name_with_control_characters_is_400() =>
        Refused(400, "ValidationFailed", () =>
            Api.Post("/households", new { holder = new { name = "Zoë\u0000", dateOfBirth = "1985-04-12" }, openedOn = "2025-01-01" }));

    [Fact]
    public Task A_birth_date_in_the_future_is_422() =>
        Refused(422, "BirthDateInFuture", () =>
            Api.Post("/households", new { holder = new { name = "张伟", dateOfBirth = "2030-01-01" }, openedOn = "2025-01-01" }));

    [Fact]
    public Task Opening_before_the_holder_was_born_is_422() =>
        Refused(422, "OpenedBeforeBirth", () =>
            Api.Post("/households", new { holder = new { name = "张伟", dateOfBirth = "1985-04-12" }, openedOn = "1980-01-01" }));

    [Fact]
    public Task An_empty_body_is_400() => Refused(400, "MissingBody", () => Api.Post("/households", (string?)null));

    [Fact]
    public Task A_json_null_body_is_400() => Refused(400, "MissingBody", () => Api.Post("/households", "null"));

    [Fact]
    public Task An_array_body_is_400() => Refused(400, "ValidationFailed", () => Api.Post("/households", "[]"));

    [Fact]
    public Task A_body_that_is_not_json_is_415() =>
        Refused(415, "UnsupportedMediaType", () => Api.Send(HttpMethod.Post, "/households", "holder=张伟", [], "application/x-www-form-urlencoded"));

    [Fact]
    public Task A_body_without_a_content_type_is_415() =>
        Refused(415, "UnsupportedMediaType", () => Api.Send(HttpMethod.Post, "/households", """{ "holder": { "name": "张伟", "dateOfBirth": "1985-04-12" }, "openedOn": "2025-01-01" }""", [], "text/plain"));

    [Fact]
    public Task A_huge_body_is_413() =>
        Refused(413, "BodyTooLarge", () => Api.Post("/households", new { holder = new { name = new string('x', 300_000), dateOfBirth = "1985-04-12" }, openedOn = "2025-01-01" }));

    [Fact]
    public Task An_id_number_with_odd_characters_is_400() =>
        Refused(400, "ValidationFailed", () =>
            Api.Post("/households", new { holder = new { name = "张伟", dateOfBirth = "1985-04-12", idNumber = "1101 0119<script>" }, openedOn = "2025-01-01" }));
}

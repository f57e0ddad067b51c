using Ledger.Api.Tests.Infrastructure;

namespace Ledger.Api.Tests.Households;

/// <summary>
/// Blank-looking or reordering names, and bodies with a key given twice, are refused (names in any script round-trip:
/// OpenHouseholdTests.Names_in_any_script_round_trip_exactly).
/// </summary>
public sealed class NameTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    [Theory]
    [InlineData("\u200B")]
    [InlineData("\u200D")]
    [InlineData("\uFEFF")]
    [InlineData("\u200B\u200C\u200D\uFEFF")]
    [InlineData("张\u202E伟")]
    [InlineData("\u2066张伟\u2069")]
    public async Task An_invisible_or_reordering_name_is_refused(string name)
    {
        var answer = await Refused(400, "ValidationFailed", () => Api.Post("/households",
            new { holder = new { name, dateOfBirth = "1985-04-12" }, openedOn = "2025-01-01" }));

        Assert.True(answer.Json.GetProperty("errors").TryGetProperty("holder.name", out _), answer.ToString());
    }

    [Theory]
    [InlineData("""{ "holder": { "name": "张伟", "name": "李娜", "dateOfBirth": "1985-04-12" }, "openedOn": "2025-01-01" }""")]
    [InlineData("""{ "holder": { "name": "张伟", "dateOfBirth": "1985-04-12" }, "openedOn": "2025-01-01", "openedOn": "2025-02-01" }""")]
    public async Task A_body_with_a_key_given_twice_is_refused(string body)
    {
        var answer = await Refused(400, "ValidationFailed", () => Api.Post("/households", body));

        Assert.Contains("more than once", answer.Raw);
    }

    [Fact]
    public async Task A_member_joining_with_a_key_given_twice_is_refused()
    {
        var (household, _, _) = await Api.OpenHousehold();

        await Refused(400, "ValidationFailed", () => Api.Post($"/households/{household}/members",
            """{ "name": "李娜", "dateOfBirth": "2015-06-18", "relationship": "child", "relationship": "spouse", "effectiveDate": "2025-01-01" }"""));
    }
}

using System.Text;
using CsCheck;
using Ledger.Api.Tests.Infrastructure;

namespace Ledger.Api.Tests.Fuzzing;

/// <summary>
/// Thousands of random and malformed requests at every write endpoint: none may answer 5xx, every refusal is problem
/// details, and a refused request never appends an event.
/// </summary>
public sealed class WriteFuzzTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    private static readonly string[] Fields =
    [
        "name", "dateOfBirth", "relationship", "effectiveDate", "idNumber", "cause", "holder", "openedOn", "category", "productCode",
        "policyholderId", "termStart", "termEnd", "insured", "personId", "annualPremium", "amount", "paidOn", "dueDate", "requestedOn",
        "reason", "arrearsPaid", "policyId", "lossDate", "decision", "vehicle", "vehicles", "waitingPeriodDays", "coinsurance",
        "beneficiaries", "share", "purpose", "given", "members",
    ];

    private static readonly Gen<string> Scalar = Gen.OneOf(
        Gen.Const("null"), Gen.Const("true"), Gen.Const("\"\""), Gen.Const("[]"), Gen.Const("{}"),
        Gen.Int.Select(i => i.ToString()), Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "1e999"),
        Gen.Const("\"2025-02-30\""), Gen.Const("\"2025-03-20\""), Gen.Const("\"9999-12-31\""), Gen.Const("\"0001-01-01\""),
        Gen.Const("\"child\""), Gen.Const("\"self\""), Gen.Const("\"medical\""), Gen.Const("\"MED-FAMILY\""), Gen.Const("\"approve\""),
        Gen.Const("\"00000000-0000-0000-0000-000000000000\""), Gen.Guid.Select(g => $"\"{g}\""), Gen.Const("1e12"), Gen.Const("-0.001"), Gen.Const("79228162514264337593543950335"),
        Gen.String[0, 40].Select(s => System.Text.Json.JsonSerializer.Serialize(s)), Gen.Const("\"张伟\u0000\""), Gen.Const("\"" + new string('x', 5000) + "\""));

    private static readonly Gen<string> JsonObject =
        Gen.Select(Gen.OneOf(Fields), Scalar).Array[0, 8]
            .Select(pairs => "{" + string.Join(",", pairs.Select(p => $"\"{p.Item1}\":{p.Item2}")) + "}");

    private static readonly Gen<string> Garbage = Gen.OneOf(
        JsonObject,
        JsonObject.Select(j => j[..Math.Max(1, j.Length / 2)]),
        Gen.String[0, 60],
        Gen.Const("[1,2,3]"), Gen.Const("null"), Gen.Const("\"text\""), Gen.Const(""), Gen.Const("{\"a\":"),
        Gen.Byte.Array[0, 40].Select(b => Encoding.Latin1.GetString(b)));

    [Fact]
    public async Task Random_requests_never_get_a_5xx_and_refusals_append_nothing()
    {
        var (household, holder, _) = await Api.OpenHousehold("张伟", "2024-01-01");
        var policy = (await Api.Post($"/households/{household}/policies", new
        {
            category = "medical", productCode = "MED-FAMILY", policyholderId = holder, termStart = "2025-01-01", termEnd = "2025-12-31",
            insured = new[] { new { personId = holder, annualPremium = 1000m } },
        })).Id("policyId");
        var claim = (await Api.Post($"/households/{household}/claims", new { policyId = policy, personId = holder, lossDate = "2025-03-01", cause = "accident", amount = 100m })).Id("claimId");
        string[] paths =
        [
            "/households", $"/households/{household}/members", $"/households/{household}/members/{holder}/leave",
            $"/households/{household}/members/{holder}/corrections", $"/households/{household}/policies",
            $"/households/{household}/policies/{policy}/insured", $"/households/{household}/policies/{policy}/insured/{holder}/remove",
            $"/households/{household}/policies/{policy}/premiums", $"/households/{household}/policies/{policy}/withdraw",
            $"/households/{household}/policies/{policy}/cancel", $"/households/{household}/policies/{policy}/reinstate",
            $"/households/{household}/policies/{policy}/renew", $"/households/{household}/policies/{policy}/underwriting",
            $"/households/{household}/policies/{policy}/vehicles", $"/households/{household}/policies/{policy}/decline-renewal",
            $"/households/{household}/claims", $"/households/{household}/claims/{claim}/review", $"/households/{household}/claims/{claim}/pay",
            $"/households/{household}/claims/{claim}/withdraw", $"/households/{household}/policies/{policy}/insured/{holder}/beneficiaries",
            $"/households/{household}/members/{holder}/consents", $"/households/{household}/members/{holder}/erasure", $"/households/{household}/split",
            $"/households/{Guid.NewGuid()}/members", "/households/%20/members", "/households/HH99999999/members",
        ];
        var headers = Gen.OneOf(
            Gen.Const(Array.Empty<(string, string)>()),
            Gen.Const(new[] { ("If-Match", "\"abc\"") }),
            Gen.Const(new[] { ("If-Match", "\"1\"") }),
            Gen.String[1, 300].Select(s => new[] { ("X-Reason", s) }),
            Gen.String[1, 300].Select(s => new[] { ("Idempotency-Key", s) }));
        var requests = 0;

        await Gen.Select(Gen.OneOf(paths), Garbage, headers).SampleAsync(async (path, body, extra) =>
        {
            var before = await Fixture.CountEventsAsync();
            var answer = await Api.Send(HttpMethod.Post, path, body, extra);
            Interlocked.Increment(ref requests);
            Assert.True(answer.Code < 500, $"{path} {body} → {answer}");
            if (answer.Code >= 400)
            {
                Assert.Equal("application/problem+json", answer.ContentType);
                Assert.Equal(before, await Fixture.CountEventsAsync());
            }
        }, iter: 2000, threads: 1);

        Assert.Equal(2000, requests);
    }
}

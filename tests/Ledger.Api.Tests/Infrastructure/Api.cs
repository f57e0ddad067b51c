using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Ledger.Api.Tests.Infrastructure;

/// <summary>An HTTP answer, its JSON body parsed.</summary>
public sealed record Answer(HttpStatusCode Status, JsonElement Json, HttpResponseHeaders Headers, string? ContentType, string Raw)
{
    public int Code => (int)Status;

    public string? ETag => Headers.ETag?.Tag;

    public string Str(string property) => Json.GetProperty(property).GetString()!;

    public long Long(string property) => Json.GetProperty(property).GetInt64();

    public Guid Id(string property) => Json.GetProperty(property).GetGuid();

    /// <summary>The stable problem code of a problem-details answer.</summary>
    public string? ProblemCode => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("code", out var c) ? c.GetString() : null;

    public override string ToString() => $"{Code} {Raw}";
}

/// <summary>Raw HTTP against the test host: bodies are sent as written, so malformed input stays malformed.</summary>
public sealed class Api(HttpClient client)
{
    public Task<Answer> Get(string url, params (string Name, string Value)[] headers) => Send(HttpMethod.Get, url, null, headers);

    public Task<Answer> Post(string url, string? json, params (string Name, string Value)[] headers) => Send(HttpMethod.Post, url, json, headers);

    public Task<Answer> Post(string url, object body, params (string Name, string Value)[] headers) =>
        Send(HttpMethod.Post, url, JsonSerializer.Serialize(body, JsonSerializerOptions.Web), headers);

    public async Task<Answer> Send(HttpMethod method, string url, string? json, (string Name, string Value)[] headers, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, url);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, contentType);
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        using var response = await client.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        var parsed = raw.Length > 0 && (raw[0] is '{' or '[') ? JsonDocument.Parse(raw).RootElement.Clone() : default;
        return new Answer(response.StatusCode, parsed, response.Headers, response.Content.Headers.ContentType?.MediaType, raw);
    }

    /// <summary>Opens a household and returns its ids; the holder is 张伟 unless named.</summary>
    public async Task<(Guid HouseholdId, Guid HolderId, string Number)> OpenHousehold(string holder = "张伟", string openedOn = "2025-01-01")
    {
        var answer = await Post("/households", new { holder = new { name = holder, dateOfBirth = "1985-04-12" }, openedOn });
        Assert.True(answer.Code == 201, answer.ToString());
        return (answer.Id("householdId"), answer.Id("holderId"), answer.Str("householdNumber"));
    }

    public async Task<Guid> Join(Guid household, string name, string relationship = "child", string dateOfBirth = "2015-06-18", string effectiveDate = "2025-01-01")
    {
        var answer = await Post($"/households/{household}/members", new { name, dateOfBirth, relationship, effectiveDate });
        Assert.True(answer.Code == 201, answer.ToString());
        return answer.Id("personId");
    }
}

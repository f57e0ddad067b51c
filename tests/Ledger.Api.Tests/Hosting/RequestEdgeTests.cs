using System.Text.Json;

namespace Ledger.Api.Tests.Hosting;

/// <summary>
/// Hostile or careless requests through real Kestrel: each refusal is problem+json with a code, also where Kestrel's
/// own limits would answer with an empty body.
/// </summary>
public sealed class RequestEdgeTests(KestrelLedgerFixture fixture) : IClassFixture<KestrelLedgerFixture>
{
    private KestrelLedger Ledger => fixture.Ledger;

    private static JsonElement Problem((int Status, string? ContentType, string Body) answer, int status, string code)
    {
        Assert.True(answer.Status == status, $"expected {status} {code}, got {answer}");
        Assert.Equal("application/problem+json", answer.ContentType);
        var json = JsonDocument.Parse(answer.Body).RootElement;
        Assert.Equal(code, json.GetProperty("code").GetString());
        return json;
    }

    [Fact]
    public async Task Oversized_headers_are_a_problem_not_an_empty_431()
    {
        Problem(await Ledger.RawAsync("GET", "/households", "X-Padding: " + new string('a', 40_000)), 431, "HeadersTooLarge");
        Problem(await Ledger.RawAsync("GET", "/households", [.. Enumerable.Range(1, 150).Select(i => $"X-Header-{i}: {i}")]), 431, "HeadersTooLarge");
    }

    [Fact]
    public async Task Thousands_of_query_parameters_are_a_problem_not_an_empty_414()
    {
        var query = string.Join('&', Enumerable.Range(1, 3000).Select(i => $"p{i}=1"));

        Problem(await Ledger.RawAsync("GET", "/households?" + query), 414, "UriTooLong");
    }

    [Fact]
    public async Task A_query_value_out_of_range_names_the_parameter()
    {
        var problem = Problem(await Ledger.RawAsync("GET", "/households?limit=999999999999"), 400, "ValidationFailed");

        Assert.True(problem.GetProperty("errors").TryGetProperty("limit", out _), problem.ToString());
    }

    [Theory]
    [InlineData("/households/%2e%2e")]
    [InlineData("/households/%2E%2E/members")]
    [InlineData("/households/..%2f..%2fetc")]
    public async Task Dot_segments_in_a_path_are_a_problem(string target)
    {
        var answer = await Ledger.RawAsync("GET", target);

        Assert.True(answer.Status is 404 or 400 or 405, answer.ToString());
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(answer.Body).RootElement.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task A_percent_encoded_name_in_the_query_finds_the_household()
    {
        var opened = await Ledger.Api.OpenHousehold("张伟");

        var found = await Ledger.RawAsync("GET", "/households?name=%E5%BC%A0%E4%BC%9F");

        Assert.Equal(200, found.Status);
        Assert.Contains(opened.Number, found.Body);
    }

    [Fact]
    public async Task A_query_in_raw_utf8_as_curl_sends_it_is_understood()
    {
        var opened = await Ledger.Api.OpenHousehold("欧阳娜娜");

        var found = await Ledger.RawAsync("GET", "/households?name=欧阳娜娜");

        Assert.True(found.Status == 200, found.ToString());
        Assert.Contains(opened.Number, found.Body);
    }

    [Theory]
    [InlineData("/households/%00")]
    [InlineData("/households/%00/history")]
    [InlineData("/households/abc%00def")]
    public async Task A_nul_in_the_path_is_a_problem(string target)
    {
        Problem(await Ledger.RawAsync("GET", target), 400, "ValidationFailed");
    }

    [Fact]
    public async Task Raw_utf8_in_a_body_and_in_later_requests_on_one_connection_passes_untouched()
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(Ledger.Address.Host, Ledger.Address.Port);
        await using var stream = tcp.GetStream();
        var body = System.Text.Encoding.UTF8.GetBytes("""{ "holder": { "name": "张伟 %00 ?", "dateOfBirth": "1985-04-12" }, "openedOn": "2025-01-01" }""");
        var auth = $"Authorization: {Ledger.Client.DefaultRequestHeaders.Authorization}\r\n";
        var first = System.Text.Encoding.UTF8.GetBytes($"POST /households HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n");
        var second = System.Text.Encoding.UTF8.GetBytes($"GET /households?name=张伟 HTTP/1.1\r\nHost: x\r\n{auth}Connection: close\r\n\r\n");
        await stream.WriteAsync((byte[])[.. first, .. body, .. second]);
        using var received = new MemoryStream();
        await stream.CopyToAsync(received).WaitAsync(TimeSpan.FromSeconds(30));
        var answers = System.Text.Encoding.UTF8.GetString(received.ToArray());

        Assert.StartsWith("HTTP/1.1 201", answers);
        Assert.Contains("HTTP/1.1 200", answers);
        Assert.Contains("张伟 %00 ?", answers);
    }
    [Fact]
    public async Task A_body_larger_than_the_filters_buffer_and_headers_split_across_packets_pass_whole()
    {
        using var tcp = new System.Net.Sockets.TcpClient { NoDelay = true };
        await tcp.ConnectAsync(Ledger.Address.Host, Ledger.Address.Port);
        await using var stream = tcp.GetStream();
        // Padding past the request filter's 64 KiB before it waits for Kestrel to read (a pipe's pause threshold).
        var body = System.Text.Encoding.UTF8.GetBytes("""{ "holder": { "name": "李娜", "dateOfBirth": "1990-02-01" }, "openedOn": "2025-01-01" }""" + new string(' ', 150_000));
        var auth = $"Authorization: {Ledger.Client.DefaultRequestHeaders.Authorization}\r\n";
        var head = System.Text.Encoding.UTF8.GetBytes($"POST /households HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n");
        var second = System.Text.Encoding.UTF8.GetBytes($"GET /households?name=李娜 HTTP/1.1\r\nHost: x\r\n{auth}Connection: close\r\n\r\n");
        foreach (var piece in head.Chunk(7))
        {
            await stream.WriteAsync(piece);
            await stream.FlushAsync();
        }
        await stream.WriteAsync((byte[])[.. body, .. second]);
        using var received = new MemoryStream();
        await stream.CopyToAsync(received).WaitAsync(TimeSpan.FromSeconds(30));
        var answers = System.Text.Encoding.UTF8.GetString(received.ToArray());

        Assert.StartsWith("HTTP/1.1 201", answers);
        Assert.Contains("HTTP/1.1 200", answers);
        Assert.Contains("李娜", answers[answers.IndexOf("HTTP/1.1 200", StringComparison.Ordinal)..]);
    }
}

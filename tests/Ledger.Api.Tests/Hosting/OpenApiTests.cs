using System.Diagnostics;
using System.Text.Json;
using Ledger.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Api.Tests.Hosting;

/// <summary>
/// The OpenAPI document is what clients are generated from and what the fuzzers send: it must be valid and say
/// everything docs/api.md says about authentication, write headers and refusals.
/// </summary>
public sealed class OpenApiTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    private static readonly string Validator = Repo.PathOf("tests/openapi-validator");
    private static readonly string[] WriteHeaders = ["If-Match", "Idempotency-Key", "X-Reason", "X-Correlation-Id", "X-Causation-Id"];
    private static readonly string[] MethodNames = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    [Fact]
    public async Task The_document_passes_an_openapi_validator_without_a_single_problem()
    {
        var document = Path.Combine(Path.GetTempPath(), $"ledger-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(document, (await Api.Get("/openapi/v1.json")).Raw);
        try
        {
            var (exit, stdout, stderr) = await RedoclyAsync("lint", document, "--config", Path.Combine(Validator, "redocly.yaml"), "--format", "json");

            using var report = JsonDocument.Parse(stdout[stdout.IndexOf('{')..]);
            var problems = report.RootElement.GetProperty("problems").EnumerateArray()
                .Select(p => $"{p.GetProperty("severity").GetString()} {p.GetProperty("ruleId").GetString()}: {p.GetProperty("message").GetString()} at "
                             + string.Join(", ", p.GetProperty("location").EnumerateArray().Select(l => l.GetProperty("pointer").GetString())))
                .ToList();
            Assert.True(problems.Count == 0, $"{problems.Count} problem(s):\n" + string.Join('\n', problems));
            Assert.True(exit == 0, stderr);
        }
        finally
        {
            File.Delete(document);
        }
    }

    [Fact]
    public async Task Every_protected_operation_requires_a_bearer_token_and_documents_the_refusals_before_its_handler()
    {
        var document = await DocumentAsync();
        Assert.True(document.GetProperty("components").TryGetProperty("securitySchemes", out var schemes) && schemes.TryGetProperty("Bearer", out _),
            "the document declares no Bearer security scheme");
        var scheme = schemes.GetProperty("Bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        Assert.Equal("JWT", scheme.GetProperty("bearerFormat").GetString());

        var anonymous = AnonymousEndpoints();
        var operations = Operations(document).ToList();
        Assert.True(operations.Count >= 30, $"only {operations.Count} operations");
        foreach (var (method, path, operation) in operations)
        {
            var requirements = operation.TryGetProperty("security", out var s) ? s.EnumerateArray().ToList() : [];
            if (anonymous.Contains((method, path)))
            {
                Assert.True(requirements.Count == 0, $"{method} {path} is anonymous but asks for a token");
                continue;
            }
            Assert.True(requirements.Any(r => r.TryGetProperty("Bearer", out _)), $"{method} {path} does not say it needs a bearer token");
            var responses = operation.GetProperty("responses");
            foreach (var status in new[] { "401", "403", "429", "503" })
                Assert.True(responses.TryGetProperty(status, out var response) && response.GetProperty("content").TryGetProperty("application/problem+json", out _),
                    $"{method} {path} does not document {status} as problem+json");
        }
    }

    [Fact]
    public async Task Every_write_declares_the_headers_the_write_pipeline_reads()
    {
        var writes = Operations(await DocumentAsync()).Where(o => o.Method == "POST").ToList();
        Assert.True(writes.Count >= 24, $"only {writes.Count} writes");
        foreach (var (method, path, operation) in writes)
        {
            var headers = (operation.TryGetProperty("parameters", out var parameters) ? parameters.EnumerateArray().ToList() : [])
                .Where(p => p.GetProperty("in").GetString() == "header")
                .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.TryGetProperty("description", out var d) ? d.GetString() : null);
            foreach (var name in WriteHeaders)
                Assert.True(headers.TryGetValue(name, out var description) && !string.IsNullOrWhiteSpace(description),
                    $"{method} {path} does not declare the {name} header with a description");
        }
    }

    [Fact]
    public async Task Every_operation_is_tagged_by_feature_and_every_tag_is_described()
    {
        var document = await DocumentAsync();
        var described = document.GetProperty("tags").EnumerateArray()
            .Where(t => !string.IsNullOrWhiteSpace(t.TryGetProperty("description", out var d) ? d.GetString() : null))
            .Select(t => t.GetProperty("name").GetString()!).ToHashSet();
        foreach (var (method, path, operation) in Operations(document))
        {
            var tags = operation.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToList();
            // Without a tag of its own an operation falls under the application's name.
            Assert.DoesNotContain("ledger", tags);
            Assert.True(tags.Count > 0 && tags.All(described.Contains), $"{method} {path} is tagged [{string.Join(", ", tags)}]; described tags: {string.Join(", ", described)}");
        }
        Assert.Equal("Households", Operation(document, "POST", "/households").GetProperty("tags")[0].GetString());
        Assert.Equal("Members", Operation(document, "POST", "/households/{householdId}/members").GetProperty("tags")[0].GetString());
    }

    [Fact]
    public async Task The_api_reference_serves_its_bundle_itself_and_fetches_nothing_from_outside()
    {
        var page = await Fixture.Client.GetStringAsync("/docs/v1");

        // Every script the page loads is relative to this host, and the reference is told not to fetch fonts,
        // send telemetry, route requests through a proxy, offer the hosted AI agent or link to hosted Scalar tools.
        // (Checked once in headless Chromium too: the page, a bearer token typed in and a request sent fetched
        // nothing but this host.)
        var scripts = System.Text.RegularExpressions.Regex.Matches(page, "src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, src => Assert.False(Uri.TryCreate(src, UriKind.Absolute, out _), $"the page loads {src}"));
        var configuration = JsonDocument.Parse(System.Text.RegularExpressions.Regex.Match(page, @"(\{""[^\n]*\})\s*,\s*\n").Groups[1].Value).RootElement;
        Assert.False(configuration.GetProperty("withDefaultFonts").GetBoolean());
        Assert.False(configuration.GetProperty("telemetry").GetBoolean());
        Assert.True(configuration.GetProperty("agent").GetProperty("disabled").GetBoolean());
        Assert.True(configuration.GetProperty("mcp").GetProperty("disabled").GetBoolean());
        Assert.Equal("never", configuration.GetProperty("showDeveloperTools").GetString());
        Assert.True(configuration.GetProperty("hideClientButton").GetBoolean());
        Assert.False(configuration.TryGetProperty("proxyUrl", out _));
        Assert.Equal("Bearer", configuration.GetProperty("authentication").GetProperty("preferredSecurityScheme")[0].GetString());
        foreach (var script in scripts)
            Assert.Equal(200, (int)(await Fixture.Client.GetAsync("/docs/" + script)).StatusCode);
    }

    private async Task<JsonElement> DocumentAsync()
    {
        var answer = await Api.Get("/openapi/v1.json");
        Assert.Equal(200, answer.Code);
        return answer.Json;
    }

    private static IEnumerable<(string Method, string Path, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(o => MethodNames.Contains(o.Name))
            .Select(o => (o.Name.ToUpperInvariant(), path.Name, o.Value)));

    private static JsonElement Operation(JsonElement document, string method, string path) =>
        document.GetProperty("paths").GetProperty(path).GetProperty(method.ToLowerInvariant());

    private HashSet<(string Method, string Path)> AnonymousEndpoints() =>
        Fixture.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .Select(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.FirstOrDefault() ?? "GET", "/" + e.RoutePattern.RawText!.TrimStart('/')))
            .ToHashSet();

    /// <summary>Runs the pinned Redocly CLI (tests/openapi-validator), installing it first if .ci/run has not.</summary>
    private static async Task<(int Exit, string Stdout, string Stderr)> RedoclyAsync(params string[] args)
    {
        var cli = Path.Combine(Validator, "node_modules", "@redocly", "cli", "bin", "cli.js");
        if (!File.Exists(cli))
        {
            var (exit, stdout, stderr) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"]);
            Assert.True(exit == 0 && File.Exists(cli), $"npm ci in {Validator} failed:\n{stdout}\n{stderr}");
        }
        return await RunAsync("node", [cli, .. args]);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string program, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Validator };
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        // The linter must neither phone home nor ask for updates: the tests run offline too.
        psi.Environment["REDOCLY_TELEMETRY"] = "off";
        psi.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in 3 minutes");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}

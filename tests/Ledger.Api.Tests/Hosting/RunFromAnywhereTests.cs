using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ledger.Api.Tests.Infrastructure;

namespace Ledger.Api.Tests.Hosting;

/// <summary><c>ledger</c> as a process started from a directory of the user's, not from the project.</summary>
[Collection(CliCollection.Name)]
public sealed class RunFromAnywhereTests(LedgerFixture fixture) : IDisposable
{
    private readonly string _caller = Directory.CreateTempSubdirectory("ledger-caller-").FullName;

    private Dictionary<string, string?> Environment => new()
    {
        ["ConnectionStrings__Ledger"] = fixture.ConnectionString,
        ["Ledger__SeedDemo"] = "false",
        ["Ledger__SweepInterval"] = "0",
        ["Ledger__Auth__SigningKey"] = Convert.ToBase64String(LedgerFixture.SigningKey),
    };

    public void Dispose() => Directory.Delete(_caller, recursive: true);

    [Fact]
    public async Task Started_from_another_directory_it_applies_its_appsettings_and_serves_the_console()
    {
        var port = FreePort();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _caller };
        psi.ArgumentList.Add(Repo.LedgerDll);
        psi.Environment.Remove("ConnectionStrings__Ledger");
        foreach (var (key, value) in Environment) psi.Environment[key] = value;
        psi.Environment["Urls"] = $"http://127.0.0.1:{port}";
        var output = new StringBuilder();
        using var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        try
        {
            var deadline = Stopwatch.StartNew();
            while (!await AnswersAsync(http, "/health/ready"))
            {
                Assert.False(process.HasExited, $"ledger exited:\n{output}");
                Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(2), $"ledger was not ready in 2 minutes:\n{output}");
                await Task.Delay(100);
            }

            using var console = await http.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, console.StatusCode);
            Assert.Contains("Ledger", await console.Content.ReadAsStringAsync());
            using var script = await http.GetAsync("/console.js");
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var log = output.ToString();
        Assert.Contains($"Content root path: {Path.GetDirectoryName(Repo.LedgerDll)}", log);
        // appsettings.json turns ASP.NET Core's per-request information logs off; without it every request is logged.
        Assert.DoesNotContain("Request starting", log);
    }

    [Fact]
    public async Task A_relative_export_file_lands_where_the_user_ran_the_command()
    {
        var file = $"export-{Guid.NewGuid():N}.jsonl";
        var project = Repo.PathOf("src/Ledger.Api");
        var configuration = new DirectoryInfo(Path.GetDirectoryName(Repo.LedgerDll)!).Parent!.Name;
        try
        {
            // As README has it: dotnet run from wherever the user is.
            var (exit, output) = await Repo.RunDotnetAsync(
                ["run", "--no-build", "-c", configuration, "--project", project, "--", "audit", "export", "--out", file],
                Environment, TimeSpan.FromMinutes(2), _caller);
            Assert.True(exit == 0, output);
            Assert.True(File.Exists(Path.Combine(_caller, file)), $"{file} is not in {_caller}:\n{output}");
            Assert.False(File.Exists(Path.Combine(project, file)));

            var direct = $"direct-{file}";
            (exit, output) = await Repo.RunLedgerAsync(["audit", "export", "--out", direct], Environment, TimeSpan.FromMinutes(2), _caller);
            Assert.True(exit == 0, output);
            Assert.True(File.Exists(Path.Combine(_caller, direct)), output);
        }
        finally
        {
            File.Delete(Path.Combine(project, file));
        }
    }

    [Theory]
    [InlineData("help")]
    [InlineData("replay", "HH99999999")]
    [InlineData("audit", "verify", "--household", "00000000-0000-0000-0000-000000000001")]
    [InlineData("token", "--role", "clerk", "--name", "clerk.li")]
    public async Task No_command_prints_how_it_found_its_commands(params string[] args)
    {
        var (_, output) = await Repo.RunLedgerAsync(args, Environment, TimeSpan.FromMinutes(2), _caller);
        Assert.DoesNotContain("for commands", output);
        Assert.DoesNotContain("Searching '", output);
    }

    private static async Task<bool> AnswersAsync(HttpClient http, string path)
    {
        try
        {
            using var answer = await http.GetAsync(path);
            return answer.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

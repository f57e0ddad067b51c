using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Ledger.Api.Hosting;

/// <summary>
/// Start-up as an operator meets it: <c>dotnet ledger.dll</c> as a process on a real PostgreSQL, timed from the process
/// start to the first 200 from <c>/health/ready</c>, then the first write, the first read and a second write right after
/// ready. Several builds (e.g. before and after a change) run in turns on one throwaway cluster in one run, so they are
/// compared under the same load. The first turn meets an empty database (schema creation), the later ones are restarts.
/// </summary>
internal static class StartupBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = 3;
        var builds = new List<(string Label, string Dll)>();
        foreach (var arg in args)
        {
            if (int.TryParse(arg, out var n)) rounds = n;
            else if (arg.Split('=', 2) is [var label, var dll]) builds.Add((label, Path.GetFullPath(dll)));
            else builds.Add((Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(arg)))!, Path.GetFullPath(arg)));
        }
        if (builds.Count == 0) builds.Add(("this build", Path.Combine(AppContext.BaseDirectory, "ledger.dll")));
        foreach (var (_, dll) in builds)
            if (!File.Exists(dll)) { Console.Error.WriteLine($"No {dll}"); return 1; }

        await using var postgres = await EmbeddedPostgres.StartThrowawayAsync();
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var token = Ledger.Api.Security.LedgerAuth.CreateToken(key, "ledger", "ledger", "bench.startup",
            [Ledger.Api.Security.Roles.Clerk, Ledger.Api.Security.Roles.Support], "default", TimeSpan.FromHours(2));

        var results = new List<Run>();
        for (var round = 1; round <= rounds; round++)
            foreach (var (label, dll) in builds)
            {
                var run = await MeasureAsync(label, dll, round, postgres.ConnectionString, key, token);
                Console.WriteLine(run);
                results.Add(run);
            }

        // Commands as a support engineer runs them (the median of three, in turns): help, a failing replay, a verify.
        string[][] commands = [["help"], ["replay", "HH99999999"], ["audit", "verify", "--household", Guid.Empty.ToString()]];
        var cli = new Dictionary<(string, string), List<double>>();
        for (var i = 0; i < 3; i++)
            foreach (var (label, dll) in builds)
                foreach (var command in commands)
                {
                    var seconds = await TimeCommandAsync(dll, command, postgres.ConnectionString);
                    cli.TryAdd((label, string.Join(' ', command)), []);
                    cli[(label, string.Join(' ', command))].Add(seconds);
                }

        Console.WriteLine();
        Console.WriteLine("| build | turn | start → ready (s) | first write (ms) | start → first write done (s) | first read (ms) | second write (ms) |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var r in results)
            Console.WriteLine($"| {r.Label} | {(r == results[0] ? "1 (empty database)" : r.Round.ToString())} | {r.Ready.TotalSeconds:F1} | {r.FirstWrite.TotalMilliseconds:F0} | {(r.Ready + r.FirstWrite).TotalSeconds:F1} | {r.FirstRead.TotalMilliseconds:F0} | {r.SecondWrite.TotalMilliseconds:F0} |");
        Console.WriteLine();
        Console.WriteLine("| build | command | seconds (median of 3) |");
        Console.WriteLine("|---|---|---|");
        foreach (var ((label, command), times) in cli)
            Console.WriteLine($"| {label} | `ledger {command}` | {times.Order().ElementAt(times.Count / 2):F2} |");
        return 0;
    }

    private static async Task<double> TimeCommandAsync(string dll, string[] args, string connectionString)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        psi.ArgumentList.Add(dll);
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        psi.Environment["ConnectionStrings__Ledger"] = connectionString;
        psi.Environment["Ledger__SeedDemo"] = "false";
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        await process.WaitForExitAsync();
        await drain;
        return watch.Elapsed.TotalSeconds;
    }

    private sealed record Run(string Label, int Round, TimeSpan Ready, TimeSpan FirstWrite, TimeSpan FirstRead, TimeSpan SecondWrite);

    private static async Task<Run> MeasureAsync(string label, string dll, int round, string connectionString, byte[] key, string token)
    {
        var port = FreePort();
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        psi.ArgumentList.Add(dll);
        psi.Environment["ConnectionStrings__Ledger"] = connectionString;
        psi.Environment["Ledger__SeedDemo"] = "false";
        psi.Environment["Ledger__SweepInterval"] = "0";
        psi.Environment["Ledger__RateLimit__PerMinute"] = "1000000";
        psi.Environment["Ledger__Auth__SigningKey"] = Convert.ToBase64String(key);
        psi.Environment["Urls"] = $"http://127.0.0.1:{port}";

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(120) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            while (true)
            {
                if (process.HasExited) throw new InvalidOperationException($"{label} exited with {process.ExitCode}:\n{output}");
                if (watch.Elapsed > TimeSpan.FromMinutes(3)) throw new TimeoutException($"{label} was not ready in 3 minutes:\n{output}");
                try
                {
                    using var ready = await http.GetAsync("/health/ready");
                    if (ready.StatusCode == HttpStatusCode.OK) break;
                }
                catch (HttpRequestException)
                {
                }
                await Task.Delay(50);
            }
            var readyAt = watch.Elapsed;

            var (firstWrite, created) = await TimedAsync(() => http.PostAsync("/households", Json(
                """{ "holder": { "name": "张伟", "dateOfBirth": "1985-04-12" }, "openedOn": "2025-01-01" }""")));
            var household = System.Text.Json.JsonDocument.Parse(created).RootElement.GetProperty("householdId").GetGuid();
            var (firstRead, _) = await TimedAsync(() => http.GetAsync($"/households/{household}"));
            var (secondWrite, _) = await TimedAsync(() => http.PostAsync($"/households/{household}/members", Json(
                """{ "name": "李娜", "dateOfBirth": "1987-09-03", "relationship": "spouse", "effectiveDate": "2025-01-01" }""")));
            return new Run(label, round, readyAt, firstWrite, firstRead, secondWrite);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<(TimeSpan, string)> TimedAsync(Func<Task<HttpResponseMessage>> send)
    {
        var watch = Stopwatch.StartNew();
        using var response = await send();
        var body = await response.Content.ReadAsStringAsync();
        watch.Stop();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)response.StatusCode} {body}");
        return (watch.Elapsed, body);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Diagnostics;

namespace Ledger.Api.Tests.Infrastructure;

/// <summary>Files of the repository and the built <c>ledger</c> executable, found from the test's own output folder.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>The ledger.dll that the Api project built in the same configuration as these tests.</summary>
    public static string LedgerDll
    {
        get
        {
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<Configuration>/net10.0
            var dll = Path.Combine(Root, "src", "Ledger.Api", "bin", configuration, "net10.0", "ledger.dll");
            Assert.True(File.Exists(dll), $"Build the Api project first: {dll} is missing");
            return dll;
        }
    }

    /// <summary>Runs <c>ledger</c> with arguments and environment; returns its exit code and everything it printed.</summary>
    public static Task<(int Exit, string Output)> RunLedgerAsync(IEnumerable<string> args, IDictionary<string, string?> environment, TimeSpan timeout, string? workingDirectory = null) =>
        RunDotnetAsync([LedgerDll, .. args], environment, timeout, workingDirectory ?? Root);

    /// <summary>Runs <c>dotnet</c> with arguments in a working directory; returns its exit code and everything it printed.</summary>
    public static async Task<(int Exit, string Output)> RunDotnetAsync(IEnumerable<string> args, IDictionary<string, string?> environment, TimeSpan timeout, string workingDirectory)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        psi.Environment.Remove("ConnectionStrings__Ledger");
        foreach (var (key, value) in environment) psi.Environment[key] = value;
        psi.Environment["COLUMNS"] = "200";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish in {timeout}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ledger.sln"))) return dir.FullName;
        throw new InvalidOperationException("Ledger.sln not found above " + AppContext.BaseDirectory);
    }
}

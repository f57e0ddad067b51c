using System.Diagnostics;

namespace Ledger.Api.Tests.Hosting;

/// <summary>
/// Every benchmark still runs end to end, at a size that says nothing about speed: a throwaway cluster, its baseline,
/// the ledger, the tables it prints. The figures themselves come from full runs (docs/performance.md), never from here.
/// </summary>
[Collection(BenchmarkCollection.Name)]
public sealed class BenchmarkSmokeTests
{
    [Theory]
    [InlineData("writes --smoke", "ledger / pgbench")]
    // Marten alone committing several households per transaction, the figure behind decision 0016.
    [InlineData("writes --smoke --group-commit 4", "grouped Marten / pgbench")]
    [InlineData("seed --smoke", "households/s")]
    [InlineData("export 2000", "ledger audit export --format jsonl")]
    [InlineData("reads --smoke", "p99 / pgbench p99")]
    // A second ledger with a runtime setting of its own, measured in turns with the first.
    [InlineData("reads --smoke --ledger-env DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=70", "/health/live (HTTP floor, no database) [DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=70] |")]
    [InlineData("rebuild --smoke", "ratio to bulk insert")]
    public async Task The_benchmark_runs_at_a_small_size_and_prints_its_table(string arguments, string expected)
    {
        var (exit, output) = await RunAsync(arguments.Split(' '));

        Assert.True(exit == 0, $"exit {exit}\n{output}");
        Assert.Contains(expected, output);
        Assert.DoesNotContain("Unhandled exception", output);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string[] arguments)
    {
        // The benchmark is built beside the tests, in the same configuration (the project reference in the csproj).
        var testFolder = AppContext.BaseDirectory;
        var benchmarks = Path.GetFullPath(Path.Combine(testFolder, "..", "..", "..", "..", "Ledger.Benchmarks", "bin",
            new DirectoryInfo(testFolder).Parent!.Name, new DirectoryInfo(testFolder).Name, "Ledger.Benchmarks.dll"));
        Assert.True(File.Exists(benchmarks), $"{benchmarks} was not built");
        var start = new ProcessStartInfo("dotnet", [benchmarks, .. arguments])
        {
            WorkingDirectory = Path.GetDirectoryName(benchmarks)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}

/// <summary>
/// A benchmark loads both cores on purpose: run alone, never beside tests that time a request (the outage test asserts
/// each answer in under a second, and failed once at 1.2 s while a smoke run shared the machine).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BenchmarkCollection
{
    public const string Name = "benchmarks";
}

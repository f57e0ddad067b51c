using System.Diagnostics;

namespace Ledger.Benchmarks.Writes;

internal sealed record LoadResult(long Commands, double Seconds, double MeanMs, double? P50Ms, double? P99Ms)
{
    public double PerSecond => Commands / Seconds;
}

/// <summary>
/// N clients, each sending its next command when the previous one is answered, until a duration or a count is used up.
/// Throughput is what this measures; its latencies are those of a closed loop (a fixed-rate schedule is the read
/// benchmark's job, see BENCHMARKS.md).
/// </summary>
internal static class ClosedLoop
{
    /// <param name="operation">(client, the client's command number, cancellation)</param>
    public static async Task<LoadResult> RunAsync(int clients, TimeSpan? duration, long? count, Func<int, long, CancellationToken, Task> operation)
    {
        using var failed = new CancellationTokenSource();
        var latencies = new List<long>[clients];
        long issued = 0;
        var deadline = duration is { } d ? Stopwatch.GetTimestamp() + (long)(d.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        var limit = count ?? long.MaxValue;
        var start = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var mine = latencies[client] = new List<long>(4096);
            for (long n = 0; Stopwatch.GetTimestamp() < deadline && Interlocked.Increment(ref issued) <= limit; n++)
            {
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    await operation(client, n, failed.Token);
                }
                catch when (!failed.IsCancellationRequested)
                {
                    // One failure stops every client: a figure over failed commands would be no figure.
                    await failed.CancelAsync();
                    throw;
                }
                mine.Add(Stopwatch.GetTimestamp() - sent);
            }
        })).ToArray();
        try
        {
            await Task.WhenAll(workers);
        }
        catch when (workers.FirstOrDefault(w => w.IsFaulted && w.Exception!.InnerException is not OperationCanceledException) is { } first)
        {
            throw first.Exception!.InnerException!;
        }
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Ms(double q) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(q * all.Length))] * 1000.0 / Stopwatch.Frequency;
        var mean = all.Length == 0 ? 0 : all.Average(t => (double)t) * 1000.0 / Stopwatch.Frequency;
        return new LoadResult(all.Length, seconds, mean, Ms(0.50), Ms(0.99));
    }
}

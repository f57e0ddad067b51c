using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Ledger.Benchmarks.Reads;

/// <summary>Latencies of one fixed-rate run, each from its request's scheduled start, in milliseconds.</summary>
internal sealed record Latencies(long Requests, long Errors, double Seconds, double[] SortedMs, double[] SendLagSortedMs)
{
    public double PerSecond => (Requests - Errors) / Seconds;

    public double Quantile(double q) => At(SortedMs, q);

    public double Max => SortedMs.Length == 0 ? 0 : SortedMs[^1];

    public double LagQuantile(double q) => At(SendLagSortedMs, q);

    private static double At(double[] sorted, double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];

    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"{Quantile(0.5):F2} / {Quantile(0.9):F2} / {Quantile(0.99):F2} / {Quantile(0.999):F2} / {Max:F1}");
}

/// <summary>
/// An open-loop generator (BENCHMARKS.md): request i is due at start + i / rate whatever happened to the ones before it,
/// and its latency counts from that instant, so a stalled server is charged for the queue it builds (coordinated omission
/// corrected). One thread keeps the schedule, sleeping with the kernel's nanosleep between requests (Task.Delay and
/// Thread.Sleep round up to a millisecond, which at 1,000/s would be the whole budget of a p50); requests in flight are
/// bounded, and a request waiting for a slot is still timed from its schedule. How late the generator itself sent
/// (send lag) is reported beside the figures: it is part of every latency measured here.
/// </summary>
internal static class OpenLoop
{
    /// <param name="request">(request number) → whether the answer was the expected one.</param>
    public static async Task<Latencies> RunAsync(int rate, TimeSpan duration, int maxInFlight, Func<long, Task<bool>> request)
    {
        var total = Math.Max(1, (long)(rate * duration.TotalSeconds));
        var latencies = new long[total];
        var lags = new long[total];
        long errors = 0, lastDone = 0;
        using var slots = new SemaphoreSlim(maxInFlight);
        var interval = (double)Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 100;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long outstanding = total;

        async Task Issue(long i, long scheduled)
        {
            var ok = false;
            try
            {
                ok = await request(i);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
            }
            finally
            {
                var now = Stopwatch.GetTimestamp();
                latencies[i] = now - scheduled;
                if (!ok) Interlocked.Increment(ref errors);
                InterlockedMax(ref lastDone, now);
                slots.Release();
                if (Interlocked.Decrement(ref outstanding) == 0) done.SetResult();
            }
        }

        var scheduler = new Thread(() =>
        {
            for (long i = 0; i < total; i++)
            {
                var scheduled = start + (long)(i * interval);
                var wait = scheduled - Stopwatch.GetTimestamp();
                if (wait > 0) _ = usleep((uint)(wait * 1_000_000 / Stopwatch.Frequency));
                slots.Wait();
                lags[i] = Math.Max(0, Stopwatch.GetTimestamp() - scheduled);
                _ = Issue(i, scheduled);
            }
        }) { IsBackground = true, Name = "open-loop schedule" };
        scheduler.Start();
        await done.Task;
        scheduler.Join();
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        return new Latencies(total, errors, Ms(lastDone - start) / 1000,
            [.. latencies.Select(Ms).Order()], [.. lags.Select(Ms).Order()]);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }

    [DllImport("libc")]
    private static extern int usleep(uint microseconds);
}

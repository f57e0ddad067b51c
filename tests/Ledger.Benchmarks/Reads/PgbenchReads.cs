using System.Globalization;
using System.Text.RegularExpressions;
using Ledger.Api.Hosting;
using Ledger.Benchmarks.Writes;
using Npgsql;

namespace Ledger.Benchmarks.Reads;

/// <summary>
/// PostgreSQL's floor for a read: pgbench at a fixed rate (<c>-R</c>) selecting the stored household document by id, the id
/// drawn uniformly from the seeded ones through a numbered table (pgbench has no arrays), which adds one primary-key
/// lookup in the same statement. With <c>-R</c>, the per-transaction log's latency counts from the scheduled start.
/// </summary>
internal sealed partial class PgbenchReads(EmbeddedPostgres postgres, string binDirectory, int households)
{
    private string Script => Path.Combine(postgres.Root, "read.sql");

    public async Task PrepareAsync(NpgsqlDataSource dataSource, string tenant)
    {
        await using (var create = dataSource.CreateCommand("create table public.bench_household_ids (n int primary key, id uuid not null)"))
            await create.ExecuteNonQueryAsync();
        await using (var fill = dataSource.CreateCommand(
                         "insert into public.bench_household_ids select row_number() over (order by id), id from ledger.mt_doc_household where tenant_id = $1"))
        {
            fill.Parameters.AddWithValue(tenant);
            await fill.ExecuteNonQueryAsync();
        }
        await using (var analyze = dataSource.CreateCommand("vacuum analyze public.bench_household_ids")) await analyze.ExecuteNonQueryAsync();
        await File.WriteAllTextAsync(Script, string.Create(CultureInfo.InvariantCulture, $"""
            \set n random(1, {households})
            select data from ledger.mt_doc_household where id = (select id from public.bench_household_ids where n = :n) and tenant_id = '{tenant}';

            """));
    }

    public async Task<Latencies> RunAsync(int rate, int seconds, int clients)
    {
        var logs = Path.Combine(postgres.Root, $"pgbench-log-{Guid.NewGuid():N}");
        Directory.CreateDirectory(logs);
        var text = await Pgbench.RunProcessAsync(postgres, binDirectory,
            ["-n", "-c", $"{clients}", "-j", "2", "-R", $"{rate}", "-T", $"{seconds}", "-M", "prepared", "-f", Script, "--log", "--log-prefix", Path.Combine(logs, "tx")],
            seconds);
        if (Pgbench.Tps().Match(text) is not { Success: true } tps) throw new InvalidOperationException($"pgbench printed no rate:\n{text}");
        // A log line: client transaction latency-µs script epoch µs [lag-µs ...]; the latency is from the schedule under -R.
        var latencies = new List<double>(rate * seconds);
        foreach (var file in Directory.EnumerateFiles(logs))
        foreach (var line in File.ReadLines(file))
            if (line.Split(' ') is [_, _, var micros, ..] && double.TryParse(micros, CultureInfo.InvariantCulture, out var us))
                latencies.Add(us / 1000);
        Directory.Delete(logs, recursive: true);
        var failed = Failed().Match(text) is { Success: true } f ? long.Parse(f.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var rateAchieved = double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture);
        latencies.Sort();
        return new Latencies(latencies.Count + failed, failed, latencies.Count / rateAchieved, [.. latencies], []);
    }

    [GeneratedRegex(@"number of failed transactions: ([0-9]+)")]
    private static partial Regex Failed();
}

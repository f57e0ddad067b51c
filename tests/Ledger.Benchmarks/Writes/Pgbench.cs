using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Ledger.Api.Hosting;
using Npgsql;

namespace Ledger.Benchmarks.Writes;

/// <summary>
/// PostgreSQL's own floor for the work: pgbench inserting one event-shaped row (~300 bytes: stream id, version, type,
/// jsonb body, timestamp) per transaction, with as many clients as the ledger gets.
/// </summary>
internal sealed partial class Pgbench(EmbeddedPostgres postgres, string binDirectory)
{
    private string Script => Path.Combine(postgres.Root, "insert.sql");

    public async Task PrepareAsync(NpgsqlDataSource dataSource)
    {
        await using (var create = dataSource.CreateCommand("""
            create table bench_events (
                seq bigserial primary key, stream_id uuid not null, version bigint not null, type text not null,
                data jsonb not null, recorded_at timestamptz not null default now())
            """))
            await create.ExecuteNonQueryAsync();
        await File.WriteAllTextAsync(Script, """
            \set v random(1, 1000000000)
            insert into bench_events (stream_id, version, type, data) values (gen_random_uuid(), :v, 'MemberJoined', '{"personId":"0193f2a4-6b1c-7d2e-9f00-5a1b2c3d4e5f","name":"张子墨","dateOfBirth":"2010-05-05","relationship":"child","idNumber":null,"effectiveDate":"2024-06-01","actor":"bench.clerk","correlationId":"5d41402abc4b2a76b9719d911017c592"}');

            """);
    }

    /// <summary>Runs pgbench for a duration (<paramref name="seconds"/>) or a count per client, optionally through another port.</summary>
    public async Task<LoadResult> RunAsync(int clients, int? seconds, int? transactionsPerClient = null, int? port = null)
    {
        List<string> args = ["-n", "-c", $"{clients}", "-j", "2", "-f", Script, "-p", $"{port ?? postgres.Port}"];
        args.AddRange(seconds is { } s ? ["-T", $"{s}"] : ["-t", $"{transactionsPerClient}"]);
        var text = await RunProcessAsync(postgres, binDirectory, args, seconds ?? 60);
        if (Tps().Match(text) is not { Success: true } tps || Processed().Match(text) is not { Success: true } processed)
            throw new InvalidOperationException($"pgbench printed no rate:\n{text}");
        var count = long.Parse(processed.Groups[1].Value, CultureInfo.InvariantCulture);
        var rate = double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture);
        var latency = Latency().Match(text) is { Success: true } l ? double.Parse(l.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        // pgbench reports the mean latency only; its percentiles need per-transaction logs, which cost more than they tell here.
        return new LoadResult(count, count / rate, latency, null, null);
    }

    /// <summary>Runs pgbench against the cluster's database as its user (on 127.0.0.1, the given port or the cluster's) and returns what it printed.</summary>
    public static async Task<string> RunProcessAsync(EmbeddedPostgres postgres, string binDirectory, IEnumerable<string> options, int seconds)
    {
        var connection = new NpgsqlConnectionStringBuilder(postgres.ConnectionString);
        List<string> args = [.. options];
        if (!args.Contains("-p")) args.AddRange(["-p", $"{postgres.Port}"]);
        args.AddRange(["-h", "127.0.0.1", "-U", connection.Username!, connection.Database!]);
        var start = new ProcessStartInfo(Path.Combine(binDirectory, "pgbench"), args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = postgres.Root,
            Environment = { ["PGPASSWORD"] = connection.Password },
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start pgbench.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds + 120));
        await process.WaitForExitAsync(timeout.Token);
        var text = await output;
        if (process.ExitCode != 0) throw new InvalidOperationException($"pgbench failed ({process.ExitCode}):\n{text}\n{await errors}");
        return text;
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    internal static partial Regex Tps();

    [GeneratedRegex(@"number of transactions actually processed: ([0-9]+)")]
    private static partial Regex Processed();

    [GeneratedRegex(@"latency average = ([0-9.]+) ms")]
    private static partial Regex Latency();
}

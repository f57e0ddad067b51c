using System.Diagnostics;
using Ledger.Api.Audit;
using Ledger.Api.Hosting;
using Marten;
using Npgsql;
using JasperFx;

// Two benchmarks, each against a baseline run in the same process on the same throwaway cluster, so the ratio holds
// on a noisy shared machine:
//   dotnet run -c Release --project tests/Ledger.Benchmarks -- export [events, default 1000000]
//       the audit export (JSONL, CSV) against PostgreSQL's own COPY ... TO STDOUT of the same rows;
//   dotnet run -c Release --project tests/Ledger.Benchmarks -- writes [--smoke] [--clients 16] [--seconds 20] [--rounds 2]
//       "a member joins" through the ledger's HTTP API against pgbench's one-row INSERT and Marten alone (WriteBenchmark.cs);
//   dotnet run -c Release --project tests/Ledger.Benchmarks -- startup [rounds] [label=path/to/ledger.dll ...]
//       start-to-ready, first write and first read of ledger builds (default: this one), in turns on one cluster;
//   dotnet run -c Release --project tests/Ledger.Benchmarks -- seed [--smoke] [--households 10000] [--variant 200x3 ...]
//       `ledger seed` against a server-side bulk insert of as many jsonb rows (SeedBenchmark.cs);
//   dotnet run -c Release --project tests/Ledger.Benchmarks -- rebuild [--smoke] [--events 250000] [--page 5000] [--marten]
//       `ledger projections rebuild` of each projection against a server-side bulk insert of as many jsonb rows (RebuildBenchmark.cs);
//   dotnet run -c Release --project tests/Ledger.Benchmarks -- reads [--smoke] [--households 10000] [--rate 1000] [--seconds 20] [--rounds 2]
//       reads at a fixed rate against pgbench -R selecting the same document, and time travel against Marten's fold (ReadBenchmark.cs);
//   dotnet run -c Release --project tests/Ledger.Benchmarks -- render-probe
//       a diagnostic: microseconds to read a household document, make its view and write it as JSON (RenderProbe.cs).
if (args is ["render-probe"]) return RenderProbe.Run();
if (args is ["writes", .. var writeArgs]) return await WriteBenchmark.RunAsync(writeArgs);
if (args is ["rebuild", .. var rebuildArgs]) return await RebuildBenchmark.RunAsync(rebuildArgs);
if (args is ["seed", .. var seedArgs]) return await SeedBenchmark.RunAsync(seedArgs);
if (args is ["reads", .. var readArgs]) return await ReadBenchmark.RunAsync(readArgs);
if (args is ["startup", .. var startupArgs]) return await StartupBenchmark.RunAsync(startupArgs);
var exportArgs = args.Length > 0 && args[0] == "export" ? args[1..] : args;
var events = exportArgs.Length > 0 && int.TryParse(exportArgs[0], out var n) ? n : 1_000_000;
await using var postgres = await EmbeddedPostgres.StartThrowawayAsync();
await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);

// The audit table alone, in one database: the exporter reads it through the same TenantDatabases the ledger gives it.
using var store = DocumentStore.For(opts =>
{
    opts.Connection(postgres.ConnectionString);
    opts.DatabaseSchemaName = "ledger";
    opts.AutoCreateSchemaObjects = AutoCreate.All;
    opts.Schema.For<AuditEntry>();
});
await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

Console.WriteLine($"Seeding {events:N0} audit rows (realistic JSON, ~600 bytes each)...");
var seed = Stopwatch.StartNew();
await using (var command = dataSource.CreateCommand("""
    insert into ledger.mt_doc_auditentry (id, data, mt_last_modified, mt_version, mt_dotnet_type, sequence, household_id, recorded_at)
    select h::text || ':' || v, jsonb_build_object(
             'id', h::text || ':' || v, 'householdId', h, 'version', v, 'sequence', s, 'type', 'MemberJoined',
             'effectiveDate', '2025-03-20', 'recordedAt', t, 'actor', 'clerk.li', 'reason', '出生证明已收到', 'operation', 'JoinMember',
             'correlationId', md5(s::text), 'causationId', 'http:' || s,
             'data', jsonb_build_object('personId', gen_random_uuid(), 'name', '张子墨', 'dateOfBirth', '2025-03-20', 'relationship', 'child', 'idNumber', null, 'effectiveDate', '2025-03-20'),
             'previousHash', md5(s::text) || md5(v::text), 'hash', md5(h::text) || md5(s::text)),
           now(), gen_random_uuid(), 'Ledger.Api.Audit.AuditEntry', s, h, t
    from (select s, (s - 1) % 10 + 1 as v, md5((s - 1) / 10 || '')::uuid as h, timestamptz '2025-01-01' + s * interval '1 second' as t
          from generate_series(1, $1) s) rows
    """))
{
    command.CommandTimeout = 0;
    command.Parameters.AddWithValue(events);
    await command.ExecuteNonQueryAsync();
}
await using (var analyze = dataSource.CreateCommand("vacuum analyze ledger.mt_doc_auditentry")) await analyze.ExecuteNonQueryAsync();
Console.WriteLine($"Seeded in {seed.Elapsed.TotalSeconds:F1} s.");

var from = DateTimeOffset.Parse("2024-01-01T00:00:00Z");
var to = DateTimeOffset.Parse("2100-01-01T00:00:00Z");
var baseline = await Measure("COPY ... TO STDOUT (baseline)", async () =>
{
    using var reader = await dataSource.OpenConnection().BeginTextExportAsync(
        "COPY (select data::text from ledger.mt_doc_auditentry where recorded_at >= '2024-01-01' and recorded_at < '2100-01-01' order by sequence) TO STDOUT");
    var buffer = new char[1 << 16];
    long lines = 0;
    int read;
    while ((read = await reader.ReadAsync(buffer, 0, buffer.Length)) > 0)
        for (var i = 0; i < read; i++) if (buffer[i] == '\n') lines++;
    return lines;
});
var exporter = new AuditExporter(new Ledger.Api.Hosting.TenantDatabases(store));
var jsonl = await Measure("ledger audit export --format jsonl", () => exporter.ExportAsync(from, to, ExportFormat.Jsonl, Stream.Null, null, CancellationToken.None));
var csv = await Measure("ledger audit export --format csv", () => exporter.ExportAsync(from, to, ExportFormat.Csv, Stream.Null, null, CancellationToken.None));

Console.WriteLine();
Console.WriteLine($"| run | events | seconds | events/s | ratio to COPY | peak managed heap |");
Console.WriteLine($"|---|---|---|---|---|---|");
foreach (var r in new[] { baseline, jsonl, csv })
    Console.WriteLine($"| {r.Name} | {r.Rows:N0} | {r.Seconds:F2} | {r.Rows / r.Seconds:N0} | {baseline.Seconds / r.Seconds:P0} of COPY's speed | {r.PeakHeapMb:F0} MiB |");
return 0;

static async Task<Result> Measure(string name, Func<Task<long>> run)
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    long peak = GC.GetTotalMemory(true);
    using var sampling = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        while (!sampling.IsCancellationRequested)
        {
            peak = Math.Max(peak, GC.GetTotalMemory(false));
            await Task.Delay(20);
        }
    });
    var watch = Stopwatch.StartNew();
    var rows = await run();
    watch.Stop();
    await sampling.CancelAsync();
    await sampler;
    Console.WriteLine($"{name}: {rows:N0} rows in {watch.Elapsed.TotalSeconds:F2} s");
    return new Result(name, rows, watch.Elapsed.TotalSeconds, peak / 1024.0 / 1024.0);
}

internal sealed record Result(string Name, long Rows, double Seconds, double PeakHeapMb);

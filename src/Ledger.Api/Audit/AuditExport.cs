using System.Text;
using System.Text.Json;
using CsvHelper;
using JasperFx.CommandLine;
using Ledger.Api.Hosting;
using Marten;
using NodaTime;
using Npgsql;
using Spectre.Console;

namespace Ledger.Api.Audit;

public enum ExportFormat
{
    Jsonl,
    Csv,
}

/// <summary>
/// Writes the audit trail for a recorded-time range, row by row straight from PostgreSQL to the output, so an export
/// of millions of events runs in constant memory.
/// </summary>
public sealed class AuditExporter(TenantDatabases databases)
{
    private static readonly string[] Columns =
        ["householdId", "householdNumber", "version", "sequence", "type", "effectiveDate", "recordedAt", "actor", "reason", "operation", "correlationId", "causationId", "previousHash", "hash", "data", "linkVersion"];

    /// <summary>A text that a spreadsheet would run as a formula (=, +, -, @) is written with a leading quote.</summary>
    private static string Cell(string value) =>
        value.Length > 0 && value[0] is '=' or '+' or '-' or '@' && !decimal.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out _)
            ? "'" + value
            : value;

    public async Task<long> CountAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        long count = 0;
        foreach (var database in await databases.AllAsync())
        {
            await using var command = TenantDatabases.DataSourceOf(database).CreateCommand("select count(*) from ledger.mt_doc_auditentry where recorded_at >= $1 and recorded_at < $2");
            command.Parameters.AddWithValue(from);
            command.Parameters.AddWithValue(to);
            count += (long)(await command.ExecuteScalarAsync(ct))!;
        }
        return count;
    }

    /// <summary>
    /// Exports events recorded in [from, to), database by database, each in sequence order (as <c>GET /audit</c>);
    /// calls <paramref name="progress"/> every 10,000 rows.
    /// </summary>
    public async Task<long> ExportAsync(DateTimeOffset from, DateTimeOffset to, ExportFormat format, Stream output, Action<long>? progress, CancellationToken ct)
    {
        // No byte-order mark: the first header must read exactly "householdId" to the regulator's tools, and
        // the regulator guide tells spreadsheet users to import the file as UTF-8.
        await using var text = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16, leaveOpen: true);
        var csv = format == ExportFormat.Csv ? CsvWriter.Create(text, new CsvWriterOptions(), true) : null;
        if (csv is not null) await csv.WriteRecordAsync(Columns, ct);

        long rows = 0;
        foreach (var database in await databases.AllAsync())
        {
            await using var connection = await TenantDatabases.DataSourceOf(database).OpenConnectionAsync(ct);
            // A cursor inside a transaction: Npgsql then streams rows instead of buffering the whole result.
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using var command = new NpgsqlCommand(
                // Rows stored before link v2 carry no linkVersion: the export says 1 for them, as GET /audit does.
                "select (jsonb_build_object('linkVersion', 1) || data)::text from ledger.mt_doc_auditentry where recorded_at >= $1 and recorded_at < $2 order by sequence",
                connection, transaction);
            command.Parameters.AddWithValue(from);
            command.Parameters.AddWithValue(to);
            await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
            while (await reader.ReadAsync(ct))
            {
                var json = reader.GetString(0);
                if (csv is null)
                {
                    await text.WriteAsync(json);
                    await text.WriteAsync('\n');
                }
                else
                {
                    using var document = JsonDocument.Parse(json);
                    var fields = Columns.Select(column => Cell(document.RootElement.TryGetProperty(column, out var value)
                        ? value.ValueKind switch
                        {
                            JsonValueKind.String => value.GetString() ?? "",
                            JsonValueKind.Null => "",
                            _ => value.GetRawText(),
                        }
                        : "")).ToArray();
                    await csv.WriteRecordAsync(fields, ct);
                }
                if (++rows % 10_000 == 0) progress?.Invoke(rows);
            }
        }
        if (csv is not null) await csv.FlushAsync(ct);
        progress?.Invoke(rows);
        return rows;
    }
}

public sealed class AuditInput : NetCoreInput
{
    [Description("verify | digest | export")]
    public string Action { get; set; } = "";

    [Description("verify: check the chains also against this earlier digest file (from `ledger audit digest --out`)"), FlagAlias("digest")]
    public string? DigestFlag { get; set; }

    [Description("verify: only this household (id)"), FlagAlias("household")]
    public string? HouseholdFlag { get; set; }

    [Description("export: events recorded from this instant (inclusive), e.g. 2025-01-01T00:00:00Z"), FlagAlias("from")]
    public string? FromFlag { get; set; }

    [Description("export: events recorded before this instant (exclusive)"), FlagAlias("to")]
    public string? ToFlag { get; set; }

    [Description("export: jsonl (default) or csv"), FlagAlias("format")]
    public string FormatFlag { get; set; } = "jsonl";

    [Description("export, digest: the file to write"), FlagAlias("out")]
    public string? OutFlag { get; set; }
}

[Description("The regulator's audit trail: verify the hash chains, publish a digest, export events (JSONL or CSV)", Name = "audit")]
public sealed class AuditCommand : JasperFxAsyncCommand<AuditInput>
{
    public AuditCommand()
    {
        Usage("Verify, digest or export").Arguments(x => x.Action);
    }

    public override async Task<bool> Execute(AuditInput input)
    {
        Ledger.Api.Cli.CliOutput.UseStandardOutput();
        using var host = input.BuildHost();
        var services = host.Services;
        try
        {
            return input.Action.ToLowerInvariant() switch
            {
                "verify" => await VerifyAsync(services, input),
                "digest" => await DigestAsync(services, input),
                "export" => await ExportAsync(services, input),
                _ => Fail($"Unknown action '{input.Action}': use verify, digest or export."),
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return Fail(e.Message);
        }
    }

    private static async Task<bool> VerifyAsync(IServiceProvider services, AuditInput input)
    {
        var verifier = services.GetRequiredService<AuditVerifier>();
        Guid? household = null;
        if (input.HouseholdFlag is { } text)
        {
            if (!Guid.TryParse(text, out var id)) return Fail($"--household '{text}' is not a household id.");
            household = id;
        }
        var result = await verifier.VerifyAsync(household, CancellationToken.None);
        Report("Stored events against the audit trail", result);
        if (input.DigestFlag is { } file)
        {
            var earlier = JsonSerializer.Deserialize<LedgerDigest>(await File.ReadAllTextAsync(file), LedgerJson.Options)
                          ?? throw new JsonException($"{file} holds no digest.");
            var against = await verifier.VerifyAgainstAsync(earlier, CancellationToken.None);
            Report($"Against the digest {earlier.Digest[..16]}… of {earlier.ComputedAt:u}", against);
            return result.Verified && against.Verified;
        }
        return result.Verified;
    }

    private static void Report(string title, VerificationResult result)
    {
        if (result.Verified)
            AnsiConsole.MarkupLine($"[green]verified[/] {Markup.Escape(title)}: {result.Households} households, {result.Events} events.");
        else
            AnsiConsole.MarkupLine($"[red]BROKEN[/] {Markup.Escape(title)}: household {result.FirstBrokenAt!.HouseholdId} at version {result.FirstBrokenAt.Version}: {Markup.Escape(result.FirstBrokenAt.Reason)}");
    }

    private static async Task<bool> DigestAsync(IServiceProvider services, AuditInput input)
    {
        var calendar = services.GetRequiredService<BusinessCalendar>();
        var digest = await services.GetRequiredService<AuditVerifier>().DigestAsync(calendar.Now.ToDateTimeOffset(), CancellationToken.None);
        var json = JsonSerializer.Serialize(digest, LedgerJson.Options);
        if (input.OutFlag is { } file) await File.WriteAllTextAsync(file, json);
        AnsiConsole.MarkupLine($"digest [bold]{digest.Digest}[/] over {digest.Households} households, {digest.Events} events" + (input.OutFlag is { } f ? $", written to {Markup.Escape(f)}" : ""));
        return true;
    }

    private static async Task<bool> ExportAsync(IServiceProvider services, AuditInput input)
    {
        if (!Enum.TryParse<ExportFormat>(input.FormatFlag, ignoreCase: true, out var format))
            return Fail($"--format '{input.FormatFlag}' is not jsonl or csv.");
        if (input.OutFlag is not { Length: > 0 } path) return Fail("--out FILE is required.");
        var from = Parse(input.FromFlag, Instant.MinValue);
        var to = Parse(input.ToFlag, Instant.MaxValue);
        if (from is null || to is null) return Fail("--from and --to are instants such as 2025-03-20T08:00:00Z.");
        if (to <= from) return Fail("--to must be after --from.");
        var fromOffset = from.Value == Instant.MinValue ? DateTimeOffset.MinValue.ToUniversalTime() : from.Value.ToDateTimeOffset();
        var toOffset = to.Value == Instant.MaxValue ? DateTimeOffset.MaxValue.ToUniversalTime() : to.Value.ToDateTimeOffset();

        var exporter = services.GetRequiredService<AuditExporter>();
        var total = await exporter.CountAsync(fromOffset, toOffset, CancellationToken.None);
        long written = 0;
        await AnsiConsole.Progress().AutoClear(false).StartAsync(async context =>
        {
            var task = context.AddTask($"Exporting {total:N0} events as {format.ToString().ToLowerInvariant()}", maxValue: Math.Max(total, 1));
            await using var file = File.Create(path);
            written = await exporter.ExportAsync(fromOffset, toOffset, format, file, rows => task.Value = rows, CancellationToken.None);
            task.Value = Math.Max(total, 1);
        });
        AnsiConsole.MarkupLine($"Wrote {written:N0} events to {Markup.Escape(path)}.");
        return true;
    }

    private static Instant? Parse(string? text, Instant fallback)
    {
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        var parsed = LedgerJson.ParseInstant(text);
        return parsed.Success ? parsed.Value : null;
    }

    private static bool Fail(string message)
    {
        AnsiConsole.MarkupLine($"[red]{Markup.Escape(message)}[/]");
        return false;
    }
}

using JasperFx.CommandLine;
using Ledger.Api.Hosting;
using Spectre.Console;

namespace Ledger.Api.Tenants;

public sealed class TenantsInput : NetCoreInput
{
    [Description("list | add")]
    public string Action { get; set; } = "";

    [Description("add: the tenant (insurer) to place")]
    public string Tenant { get; set; } = "";

    [Description("add: the connection string of the PostgreSQL database to place it in"), FlagAlias("connection", 'c')]
    public string? ConnectionFlag { get; set; }
}

/// <summary>
/// <c>ledger tenants list</c> and <c>ledger tenants add &lt;tenant&gt; --connection &lt;cs&gt;</c>: the tenant placements
/// of Marten's sharded tenancy, in the default database. Running nodes need no restart: a node that meets the tenant
/// next reads its placement there (decision 0014).
/// </summary>
[Description("List the databases and where each tenant lives, or place a new tenant in a database (applies the schema there)", Name = "tenants")]
public sealed class TenantsCommand : JasperFxAsyncCommand<TenantsInput>
{
    public TenantsCommand()
    {
        Usage("List the tenants and databases").Arguments(x => x.Action);
        Usage("Place a tenant in a database").Arguments(x => x.Action, x => x.Tenant);
    }

    public override async Task<bool> Execute(TenantsInput input)
    {
        Ledger.Api.Cli.CliOutput.UseStandardOutput();
        using var host = input.BuildHost();
        var databases = host.Services.GetRequiredService<TenantDatabases>();
        switch (input.Action.ToLowerInvariant())
        {
            case "list":
                var (tenants, pool) = await databases.ListAsync(CancellationToken.None);
                var table = new Table().AddColumns("database", "tenants");
                foreach (var database in pool)
                    table.AddRow(Markup.Escape(database), Markup.Escape(string.Join(", ", tenants.Where(t => t.Database == database).Select(t => t.Tenant))));
                AnsiConsole.Write(table);
                foreach (var (tenant, database) in tenants) Console.WriteLine($"{tenant}\t{database}");
                return true;
            case "add":
                if (!Ledger.Api.Security.Tenancy.IsUsableName(input.Tenant))
                    return Fail($"'{input.Tenant}' is not a tenant name: 1 to {Ledger.Api.Security.Tenancy.MaxNameLength} characters, no spaces, quotes or backslashes.");
                if (string.IsNullOrWhiteSpace(input.ConnectionFlag)) return Fail("--connection <connection string> is required.");
                try
                {
                    _ = new Npgsql.NpgsqlConnectionStringBuilder(input.ConnectionFlag);
                }
                catch (ArgumentException e)
                {
                    return Fail($"--connection is not a connection string: {e.Message}");
                }
                try
                {
                    var watch = System.Diagnostics.Stopwatch.StartNew();
                    var id = await databases.PlaceAsync(input.Tenant, input.ConnectionFlag,
                        host.Services.GetRequiredService<LedgerDatabase>().ConnectionString,
                        host.Services.GetRequiredService<IConfiguration>()["Ledger:Cluster"] == "true", CancellationToken.None);
                    AnsiConsole.MarkupLine($"Placed tenant [bold]{Markup.Escape(input.Tenant)}[/] in database [bold]{Markup.Escape(id)}[/] (schema applied) in {watch.Elapsed.TotalSeconds:F1} s.");
                    return true;
                }
                catch (InvalidOperationException e)
                {
                    return Fail(e.Message);
                }
                catch (Npgsql.NpgsqlException e)
                {
                    return Fail($"The database could not be reached or prepared: {e.Message}");
                }
            default:
                return Fail($"Unknown action '{input.Action}': use list or add.");
        }
    }

    private static bool Fail(string message)
    {
        AnsiConsole.MarkupLine($"[red]{Markup.Escape(message)}[/]");
        return false;
    }
}

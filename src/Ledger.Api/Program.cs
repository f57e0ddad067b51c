using JasperFx;
using Ledger.Api.Hosting;

if (Ledger.Api.Cli.CliOutput.IsLedgerCommand(args)) Ledger.Api.Cli.CliOutput.DuringDiscovery();
var builder = WebApplication.CreateBuilder(args);
if (args is ["token", .. var tokenArgs]) return Ledger.Api.Security.TokenCommand.Run(tokenArgs, builder.Configuration);
builder.Host.ApplyJasperFxExtensions();
builder.AddLedger();

if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("Ledger"))
    && EmbeddedPostgres.FindBinDirectory(builder.Configuration["Ledger:PostgresBinDirectory"]) is null
    && !args.Any(a => a is "help" or "--help" or "-h" or "?"))
{
    await Console.Error.WriteLineAsync(
        "ledger: no database. ConnectionStrings:Ledger is not set and no PostgreSQL server binaries were found " +
        "to run an embedded one.\n" + PostgresUnavailableException.Remedies);
    return 2;
}

var app = builder.Build();
app.UseLedger();
return await app.RunJasperFxCommands(args);

/// <summary>Entry point, visible to the test host.</summary>
public partial class Program;

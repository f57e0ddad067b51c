using JasperFx;
using Ledger.Api.Cli;
using Ledger.Api.Hosting;

// `projections rebuild` is the ledger's own rebuild (one projection and one tenant at a time, Projections/RebuildCommand.cs);
// JasperFx's `projections` keeps list and run.
if (args is ["projections", "rebuild", .. var rebuildArgs]) args = ["rebuild", .. rebuildArgs];
if (CliOutput.IsLedgerCommand(args)) CliOutput.DuringDiscovery();
var builder = WebApplication.CreateBuilder(ContentRoot.Options(args));
if (args is ["token", .. var tokenArgs]) return Ledger.Api.Security.TokenCommand.Run(tokenArgs, builder.Configuration);
// A build folder holds no wwwroot: its static web assets manifest points at the project's (a publish folder has its
// own copy and no manifest). Development hosts, the test host among them, do this already.
if (!builder.Environment.IsDevelopment()) builder.WebHost.UseStaticWebAssets();
CliOutput.QuietCommandDiscovery(builder.Services);
builder.AddLedger();

if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("Ledger"))
    && EmbeddedPostgres.FindBinDirectory(builder.Configuration["Ledger:PostgresBinDirectory"]) is null
    // Help and code generation never touch the database.
    && !args.Any(a => a is "help" or "--help" or "-h" or "?" or "codegen"))
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

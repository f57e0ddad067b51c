using JasperFx.CommandLine;
using Spectre.Console;

namespace Ledger.Api.Cli;

/// <summary>
/// Keeps JasperFx's command discovery off the output a user pipes somewhere (<c>ledger audit export … | …</c>,
/// <c>ledger help</c>).
/// </summary>
public static class CliOutput
{
    public static bool IsLedgerCommand(string[] args) => args is ["replay" or "sweep" or "audit" or "seed" or "rebuild" or "tenants", ..];

    /// <summary>
    /// JasperFx scans the assemblies marked [JasperFxAssembly] for commands and extensions and prints "Searching '…'
    /// for commands" for each one until it has applied extensions once. None of the ledger's dependencies ships an
    /// extension (the marked assemblies carry no ExtensionType), so applying the empty set up front is exactly what
    /// discovery would do, minus the twelve lines.
    /// </summary>
    public static void QuietCommandDiscovery(IServiceCollection services) => new CommandFactory().ApplyExtensions(services);

    /// <summary>Discovery still ends with a blank line: for the ledger's own commands it goes to standard error.</summary>
    public static void DuringDiscovery() =>
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    public static void UseStandardOutput()
    {
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        // Piped output (a ticket, a log) gets full rows instead of wrapping at a default 80 columns.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);
    }
}

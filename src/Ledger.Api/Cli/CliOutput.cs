using Spectre.Console;

namespace Ledger.Api.Cli;

/// <summary>
/// JasperFx announces its command discovery ("Searching '…' for commands") on standard output. For the ledger's own
/// commands that line would end up in whatever a user pipes the output into, so discovery writes to standard error
/// and each command takes standard output back when it starts.
/// </summary>
public static class CliOutput
{
    public static bool IsLedgerCommand(string[] args) => args is ["replay" or "sweep" or "audit", ..];

    public static void DuringDiscovery() =>
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    public static void UseStandardOutput()
    {
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        // Piped output (a ticket, a log) gets full rows instead of wrapping at a default 80 columns.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);
    }
}

using System.Runtime.InteropServices;

namespace Ledger.Benchmarks.Writes;

/// <summary>
/// What must not outlive a benchmark stopped by Ctrl-C or a timeout's SIGTERM (the ledger process, the cluster): a
/// signal skips every <c>await using</c>. Undone last first, like usings.
/// </summary>
internal static class OnSignal
{
    private static readonly List<Action> Pending = [];

    private static readonly PosixSignalRegistration[] Registrations =
        [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT }.Select(s => PosixSignalRegistration.Create(s, _ => UndoAll()))];

    public static IDisposable Undo(Action action)
    {
        GC.KeepAlive(Registrations);
        lock (Pending) Pending.Add(action);
        return new Registration(action);
    }

    private static void UndoAll()
    {
        Action[] actions;
        lock (Pending)
        {
            actions = [.. Pending];
            Pending.Clear();
        }
        foreach (var action in actions.Reverse())
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"Clean-up after the signal failed: {e.Message}");
            }
        }
    }

    private sealed class Registration(Action action) : IDisposable
    {
        public void Dispose()
        {
            lock (Pending) Pending.Remove(action);
        }
    }
}

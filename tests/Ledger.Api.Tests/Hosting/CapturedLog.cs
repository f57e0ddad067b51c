using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using NodaTime;
using NodaTime.Text;

namespace Ledger.Api.Tests.Hosting;

/// <summary>
/// The last lines a ledger under test logged, kept in memory, so a test that fails in CI can say what the node was
/// doing (the event store's daemon above all) instead of only that it timed out.
/// </summary>
public sealed class CapturedLog : ILoggerProvider
{
    private const int Capacity = 400;
    private static readonly InstantPattern Time = InstantPattern.CreateWithInvariantCulture("HH:mm:ss.fff");
    private readonly ConcurrentQueue<string> _lines = new();

    public ILogger CreateLogger(string categoryName) => new Writer(this, categoryName);

    public string Tail(int count) => string.Join("\n", _lines.TakeLast(count));

    public void Dispose() { }

    private void Add(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > Capacity) _lines.TryDequeue(out _);
    }

    private sealed class Writer(CapturedLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception).Split('\n')[0];
            var cause = exception is null ? "" : $" | {exception.GetType().Name}: {exception.Message.Split('\n')[0]}";
            log.Add($"{Time.Format(SystemClock.Instance.GetCurrentInstant())} {logLevel} {category}: {message}{cause}");
        }
    }
}

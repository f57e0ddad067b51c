using NodaTime;

namespace Ledger.Api.Hosting;

/// <summary>
/// The ledger's notion of "now" and "today". Business dates are in the insurer's time zone
/// (<c>Ledger:TimeZone</c>, default Asia/Shanghai): a premium due "today" is due on the insurer's calendar.
/// </summary>
public sealed class BusinessCalendar(IClock clock, IConfiguration configuration)
{
    public DateTimeZone Zone { get; } =
        DateTimeZoneProviders.Tzdb.GetZoneOrNull(configuration["Ledger:TimeZone"] ?? "Asia/Shanghai")
        ?? throw new InvalidOperationException($"Unknown time zone '{configuration["Ledger:TimeZone"]}' in Ledger:TimeZone.");

    public Instant Now => RecordingTime.Now(clock);

    public LocalDate Today => Now.InZone(Zone).Date;
}

/// <summary>Lets Marten stamp recorded instants with the same clock the ledger decides with (tests use a FakeClock).</summary>
public sealed class ClockTimeProvider(IClock clock) : TimeProvider
{
    // PostgreSQL keeps microseconds: a recorded instant must be exactly what is stored, or the audit chain's
    // recomputation from the stored events would differ from the hash taken at append time.
    public override DateTimeOffset GetUtcNow()
    {
        var ticks = RecordingTime.Now(clock).ToDateTimeOffset().UtcTicks;
        return new DateTimeOffset(ticks - ticks % 10, TimeSpan.Zero);
    }
}

/// <summary>
/// "Now" for one asynchronous flow. The demo seeder sets it to the instant each step of its story happened, so the
/// demo households are recorded through the ordinary command path with recorded instants that follow the story
/// (a death reported weeks after it happened); every other flow sees the injected clock.
/// </summary>
public static class RecordingTime
{
    private static readonly AsyncLocal<Instant?> Pinned = new();

    public static Instant Now(IClock clock) => Pinned.Value ?? clock.GetCurrentInstant();

    /// <summary>True in a flow that records at a pinned instant; other flows (a group commit's) cannot see it.</summary>
    public static bool IsPinned => Pinned.Value is not null;

    /// <summary>Until disposed, this flow (and whatever it awaits) decides and records at <paramref name="instant"/>.</summary>
    public static IDisposable At(Instant instant)
    {
        var previous = Pinned.Value;
        Pinned.Value = instant;
        return new Restore(previous);
    }

    private sealed class Restore(Instant? previous) : IDisposable
    {
        public void Dispose() => Pinned.Value = previous;
    }
}

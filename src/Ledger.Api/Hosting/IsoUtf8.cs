using NodaTime;

namespace Ledger.Api.Hosting;

/// <summary>
/// The common shapes of NodaTime's ISO patterns read and written straight from and to UTF-8: <c>2025-03-20</c> and
/// <c>2025-03-20T08:00:00.5Z</c>. A household document carries dozens of dates; through <c>LocalDatePattern.Iso</c> each
/// costs a string and a pattern parse, on every read of every view. Anything these do not recognise exactly (an offset,
/// a year before 1, an impossible date) is left to the patterns, which decide and word the refusal: the fast path only
/// ever accepts what the pattern would, with the same value, and writes what the pattern writes (IsoUtf8Tests).
/// </summary>
public static class IsoUtf8
{
    /// <summary><c>uuuu-MM-dd</c> is 10 bytes; the extended ISO instant at most 30.</summary>
    public const int MaxInstantLength = 30;

    public static bool TryParseDate(ReadOnlySpan<byte> text, out LocalDate date)
    {
        date = default;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-') return false;
        if (!Digits(text[..4], out var year) || !Digits(text.Slice(5, 2), out var month) || !Digits(text.Slice(8, 2), out var day)) return false;
        if (!IsDate(year, month, day)) return false;
        date = new LocalDate(year, month, day);
        return true;
    }

    public static bool TryParseInstant(ReadOnlySpan<byte> text, out Instant instant)
    {
        instant = default;
        if (text.Length < 20 || text[^1] != 'Z' || text[10] != 'T' || text[13] != ':' || text[16] != ':') return false;
        if (!TryParseDate(text[..10], out var date)) return false;
        if (!Digits(text.Slice(11, 2), out var hour) || !Digits(text.Slice(14, 2), out var minute) || !Digits(text.Slice(17, 2), out var second)) return false;
        if (hour > 23 || minute > 59 || second > 59) return false;
        var nanoseconds = 0;
        var fraction = text[19..^1];
        if (fraction.Length > 0)
        {
            // `;FFFFFFFFF`: a point or a comma, then one to nine digits.
            if (fraction[0] is not ((byte)'.' or (byte)',') || fraction.Length is < 2 or > 10 || !Digits(fraction[1..], out nanoseconds)) return false;
            for (var i = fraction.Length - 1; i < 9; i++) nanoseconds *= 10;
        }
        instant = date.At(new LocalTime(hour, minute, second)).InUtc().ToInstant().PlusNanoseconds(nanoseconds);
        return true;
    }

    /// <summary>Writes <c>uuuu-MM-dd</c>; 0 when the year is outside 1–9999 (the caller falls back to the pattern).</summary>
    public static int FormatDate(LocalDate date, Span<byte> into)
    {
        if (date.Year is < 1 or > 9999 || into.Length < 10) return 0;
        Write(into, 0, date.Year, 4);
        into[4] = (byte)'-';
        Write(into, 5, date.Month, 2);
        into[7] = (byte)'-';
        Write(into, 8, date.Day, 2);
        return 10;
    }

    /// <summary>Writes <c>uuuu-MM-ddTHH:mm:ss</c>, the fraction without trailing zeros (none when zero), then <c>Z</c>.</summary>
    public static int FormatInstant(Instant instant, Span<byte> into)
    {
        var utc = instant.InUtc().LocalDateTime;
        if (into.Length < MaxInstantLength || FormatDate(utc.Date, into) == 0) return 0;
        into[10] = (byte)'T';
        Write(into, 11, utc.Hour, 2);
        into[13] = (byte)':';
        Write(into, 14, utc.Minute, 2);
        into[16] = (byte)':';
        Write(into, 17, utc.Second, 2);
        var at = 19;
        if (utc.NanosecondOfSecond is var nanoseconds and > 0)
        {
            var digits = 9;
            while (nanoseconds % 10 == 0)
            {
                nanoseconds /= 10;
                digits--;
            }
            into[at++] = (byte)'.';
            Write(into, at, nanoseconds, digits);
            at += digits;
        }
        into[at++] = (byte)'Z';
        return at;
    }

    private static bool IsDate(int year, int month, int day) =>
        year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= CalendarSystem.Iso.GetDaysInMonth(year, month);

    private static bool Digits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var b in text)
        {
            if (b is < (byte)'0' or > (byte)'9') return false;
            value = value * 10 + (b - '0');
        }
        return true;
    }

    private static void Write(Span<byte> into, int at, int value, int digits)
    {
        for (var i = at + digits - 1; i >= at; i--)
        {
            into[i] = (byte)('0' + value % 10);
            value /= 10;
        }
    }
}

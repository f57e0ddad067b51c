using System.Text;
using System.Text.Json;
using CsCheck;
using Ledger.Api.Hosting;
using NodaTime;
using NodaTime.Text;

namespace Ledger.Api.Tests.Hosting;

/// <summary>
/// The UTF-8 fast path for dates and instants must be invisible: every value it writes is the pattern's text, and
/// every text it accepts means what the pattern says it means. Stored JSON is hashed by the audit chain, so a single
/// byte of difference in what is written would be a different chain.
/// </summary>
public sealed class IsoUtf8Tests
{
    private static readonly Gen<Instant> Instants =
        Gen.Long[Instant.FromUtc(1, 1, 1, 0, 0).ToUnixTimeTicks(), Instant.FromUtc(9999, 12, 31, 23, 59, 59).ToUnixTimeTicks()]
            .SelectMany(ticks => Gen.Int[0, 99].Select(nanos => Instant.FromUnixTimeTicks(ticks).PlusNanoseconds(nanos)))
            // Whole seconds and milliseconds, the common shapes, as often as arbitrary fractions.
            .SelectMany(i => Gen.Int[0, 2].Select(shape => shape switch
            {
                0 => Instant.FromUnixTimeSeconds(i.ToUnixTimeSeconds()),
                1 => Instant.FromUnixTimeMilliseconds(i.ToUnixTimeMilliseconds()),
                _ => i,
            }));

    private static readonly Gen<LocalDate> Dates = Instants.Select(i => i.InUtc().Date);

    [Fact]
    public void Writes_and_reads_exactly_what_the_patterns_do() =>
        Instants.Sample(instant =>
        {
            var text = InstantPattern.ExtendedIso.Format(instant);
            Assert.Equal(text, Written(instant));
            Assert.True(IsoUtf8.TryParseInstant(Encoding.ASCII.GetBytes(text), out var read), text);
            Assert.Equal(InstantPattern.ExtendedIso.Parse(text).Value, read);
            var date = instant.InUtc().Date;
            Assert.Equal(LocalDatePattern.Iso.Format(date), Written(date));
        }, iter: 20_000);

    [Fact]
    public void Dates_read_back_as_the_pattern_reads_them() =>
        Dates.Sample(date =>
        {
            var text = LocalDatePattern.Iso.Format(date);
            Assert.True(IsoUtf8.TryParseDate(Encoding.ASCII.GetBytes(text), out var read), text);
            Assert.Equal(date, read);
        }, iter: 5_000);

    [Theory]
    [InlineData("2025-03-20T08:00:00,5Z", "2025-03-20T08:00:00.5Z")]
    [InlineData("2025-03-20T08:00:00.000000001Z", "2025-03-20T08:00:00.000000001Z")]
    [InlineData("2025-03-20T08:00:00.100Z", "2025-03-20T08:00:00.1Z")]
    public void Reads_a_comma_or_trailing_zeros_as_the_pattern_does(string text, string canonical)
    {
        Assert.True(IsoUtf8.TryParseInstant(Encoding.ASCII.GetBytes(text), out var read));
        Assert.Equal(InstantPattern.ExtendedIso.Parse(text).Value, read);
        Assert.Equal(canonical, InstantPattern.ExtendedIso.Format(read));
    }

    /// <summary>What the fast path does not take is decided by the pattern: refused with its message, or read as it reads it.</summary>
    [Theory]
    [InlineData("2025-02-29")]
    [InlineData("2025-13-01")]
    [InlineData("0000-01-01")]
    [InlineData("2025-3-20")]
    [InlineData("20250320")]
    [InlineData("2025-03-20 ")]
    [InlineData("２０２５-03-20")]
    public void Leaves_every_other_date_to_the_pattern(string text)
    {
        Assert.False(IsoUtf8.TryParseDate(Encoding.UTF8.GetBytes(text), out _));
        var pattern = LocalDatePattern.Iso.Parse(text);
        var json = JsonSerializer.Serialize(text);
        if (pattern.Success)
            Assert.Equal(pattern.Value, JsonSerializer.Deserialize<LocalDate>(json, LedgerJson.Options));
        else
            Assert.Contains("is not a valid date (yyyy-MM-dd)", Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<LocalDate>(json, LedgerJson.Options)).Message);
    }

    [Theory]
    [InlineData("2025-03-20T08:00:00+08:00")]
    [InlineData("2025-03-20T24:00:00Z")]
    [InlineData("2025-03-20T08:00:60Z")]
    [InlineData("2025-03-20T08:00:00.1234567890Z")]
    [InlineData("2025-03-20T08:00:00.Z")]
    [InlineData("2025-03-20t08:00:00z")]
    [InlineData("2025-03-20T08:00Z")]
    public void Leaves_every_other_instant_to_the_patterns(string text)
    {
        Assert.False(IsoUtf8.TryParseInstant(Encoding.ASCII.GetBytes(text), out _));
        var json = JsonSerializer.Serialize(text);
        if (LedgerJson.ParseInstant(text).Success)
            Assert.Equal(LedgerJson.ParseInstant(text).Value, JsonSerializer.Deserialize<Instant>(json, LedgerJson.Options));
        else
            Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Instant>(json, LedgerJson.Options));
    }

    [Fact]
    public void An_escaped_date_is_read_through_the_pattern() =>
        Assert.Equal(new LocalDate(2025, 3, 20), JsonSerializer.Deserialize<LocalDate>("\"2025\\u002D03-20\"", LedgerJson.Options));

    private static string Written<T>(T value) => JsonSerializer.Deserialize<string>(JsonSerializer.Serialize(value, LedgerJson.Options))!;
}

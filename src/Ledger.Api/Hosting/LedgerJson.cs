using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using NodaTime.Text;

namespace Ledger.Api.Hosting;

/// <summary>
/// One set of JSON settings for HTTP, Marten storage and the CLI: camelCase, enums as camelCase strings,
/// NodaTime ISO formats. Dates and enums are parsed strictly, with messages a caller can act on, because
/// a lenient parser turns a typo into a silent wrong fact in a ledger that never forgets.
/// </summary>
public static class LedgerJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>
    /// For request bodies: a key given twice (<c>{"name":"A","name":"B"}</c>) is refused, because parsers disagree on
    /// which one wins and a ledger must record what the sender meant, not what one parser guessed.
    /// </summary>
    public static readonly JsonSerializerOptions RequestOptions = new(Options) { AllowDuplicateProperties = false };

    public static JsonSerializerOptions Configure(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        // Names in any script (张伟, Zoë) are written as themselves, not as \u escapes; answers are JSON, never HTML.
        o.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        o.DictionaryKeyPolicy = JsonNamingPolicy.CamelCase;
        o.RespectNullableAnnotations = true;
        o.RespectRequiredConstructorParameters = true;
        o.NumberHandling = JsonNumberHandling.Strict;
        o.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
        // Inserted first so they win over the NodaTime package's converters for these two types.
        o.Converters.Insert(0, new StrictIsoConverter<LocalDate>(ParseDate, Format, IsoUtf8.TryParseDate, IsoUtf8.FormatDate, "date", "yyyy-MM-dd", "2025-03-20"));
        o.Converters.Insert(0, new StrictIsoConverter<Instant>(ParseInstant, Format, IsoUtf8.TryParseInstant, IsoUtf8.FormatInstant, "instant", "ISO 8601 with Z or an offset", "2025-03-20T08:00:00Z"));
        o.Converters.Add(new StrictEnumConverterFactory());
        return o;
    }

    /// <summary>
    /// Marten's storage settings: the same camelCase spelling as the API (<c>child</c>, <c>accepted</c>), read back
    /// whatever the case. Marten's own <c>EnumStorage.AsString</c> converter is placed before ours and writes the
    /// declared names (<c>Child</c>); events stored that way before must still be read, and their stored JSON
    /// is never rewritten because the audit chain hashes it as it is.
    /// </summary>
    public static JsonSerializerOptions ConfigureStorage(JsonSerializerOptions o)
    {
        Configure(o);
        o.Converters.Insert(0, new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        return o;
    }

    public static string Format(LocalDate date) => LocalDatePattern.Iso.Format(date);

    public static string Format(Instant instant) => InstantPattern.ExtendedIso.Format(instant);

    public static ParseResult<LocalDate> ParseDate(string text) => LocalDatePattern.Iso.Parse(text);

    /// <summary>ISO instants in UTC (<c>2025-03-20T08:00:00Z</c>) or with an offset (<c>...+08:00</c>).</summary>
    public static ParseResult<Instant> ParseInstant(string text)
    {
        var utc = InstantPattern.ExtendedIso.Parse(text);
        if (utc.Success) return utc;
        var withOffset = OffsetDateTimePattern.ExtendedIso.Parse(text);
        return withOffset.Success ? ParseResult<Instant>.ForValue(withOffset.Value.ToInstant()) : utc;
    }

    private delegate bool Utf8Parse<T>(ReadOnlySpan<byte> text, out T value);

    private delegate int Utf8Format<T>(T value, Span<byte> into);

    /// <summary>
    /// A NodaTime value as an ISO string; anything else is refused with an example of the expected form. The common
    /// shape is read and written as UTF-8 (<see cref="IsoUtf8"/>), everything else through the pattern.
    /// </summary>
    private sealed class StrictIsoConverter<T>(
        Func<string, ParseResult<T>> parse, Func<T, string> format, Utf8Parse<T> parseUtf8, Utf8Format<T> formatUtf8,
        string what, string form, string example)
        : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
                throw new JsonException($"must be a {what} string such as {example}");
            if (!reader.HasValueSequence && !reader.ValueIsEscaped && parseUtf8(reader.ValueSpan, out var fast)) return fast;
            var text = reader.GetString()!;
            var result = parse(text);
            return result.Success ? result.Value : throw new JsonException($"'{text}' is not a valid {what} ({form})");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            Span<byte> utf8 = stackalloc byte[IsoUtf8.MaxInstantLength];
            var length = formatUtf8(value, utf8);
            if (length > 0) writer.WriteStringValue(utf8[..length]);
            else writer.WriteStringValue(format(value));
        }
    }

    /// <summary>Enums as camelCase strings; numbers and unknown names are refused with the list of allowed values.</summary>
    private sealed class StrictEnumConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(StrictEnumConverter<>).MakeGenericType(typeToConvert))!;
    }

    private sealed class StrictEnumConverter<T> : JsonConverter<T> where T : struct, Enum
    {
        private static readonly Dictionary<string, T> ByName =
            Enum.GetValues<T>().ToDictionary(v => JsonNamingPolicy.CamelCase.ConvertName(v.ToString()), StringComparer.Ordinal);

        private static readonly Dictionary<T, string> Names = ByName.ToDictionary(kv => kv.Value, kv => kv.Key);

        public static string Allowed => string.Join(", ", ByName.Keys);

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
                throw new JsonException($"must be one of: {Allowed}");
            var text = reader.GetString()!;
            return ByName.TryGetValue(text, out var value)
                ? value
                : throw new JsonException($"'{text}' is not one of: {Allowed}");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Names.TryGetValue(value, out var name) ? name : value.ToString());
    }
}

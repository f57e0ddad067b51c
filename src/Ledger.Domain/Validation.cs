using System.Globalization;
using NodaTime;

namespace Ledger.Domain;

/// <summary>One field of a command that is not acceptable, named by its JSON path (camelCase).</summary>
public sealed record FieldError(string Field, string Message);

/// <summary>A command that can check its own shape before any rule is applied.</summary>
public interface IValidatable
{
    IEnumerable<FieldError> Validate();
}

/// <summary>Shape checks shared by commands. Rules that need the household or the clock live in Decide.</summary>
public static class Check
{
    /// <summary>Longest accepted name, counted in user-perceived characters (text elements), not UTF-16 units.</summary>
    public const int MaxNameLength = 200;

    public const int MaxIdNumberLength = 64;

    public const int MaxReasonLength = 500;

    /// <summary>Earliest date the ledger accepts anywhere: nothing insurable happened before it.</summary>
    public static readonly LocalDate EarliestDate = new(1900, 1, 1);

    /// <summary>Latest date the ledger accepts anywhere: guards against typos such as 20255-01-01.</summary>
    public static readonly LocalDate LatestDate = new(2200, 12, 31);

    /// <summary>
    /// Characters that render as nothing (zero-width space, non-joiner, joiner, word joiner, byte-order mark): they may
    /// join an emoji sequence inside a name, but a name made of them alone shows as blank on every screen.
    /// </summary>
    private static bool IsInvisible(char c) => c is '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF';

    /// <summary>
    /// Bidirectional embeddings, overrides and isolates reorder the text around them, so a name holding one can display
    /// as somebody else's (Trojan Source); no real name needs them.
    /// </summary>
    private static bool IsBidiControl(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';

    public static IEnumerable<FieldError> Name(string? value, string field)
    {
        if (value is null || !value.Any(c => !char.IsWhiteSpace(c) && !IsInvisible(c)))
        {
            yield return new FieldError(field, "must not be empty");
            yield break;
        }

        var length = new StringInfo(value).LengthInTextElements;
        if (length > MaxNameLength)
            yield return new FieldError(field, $"must be at most {MaxNameLength} characters (was {length})");
        if (value.Any(char.IsControl))
            yield return new FieldError(field, "must not contain control characters");
        if (value.Any(IsBidiControl))
            yield return new FieldError(field, "must not contain bidirectional control characters (U+202A to U+202E, U+2066 to U+2069)");
    }

    public static IEnumerable<FieldError> IdNumber(string? value, string field)
    {
        if (value is null) yield break;
        if (value.Trim().Length == 0)
            yield return new FieldError(field, "must be omitted or not empty");
        else if (value.Length > MaxIdNumberLength)
            yield return new FieldError(field, $"must be at most {MaxIdNumberLength} characters");
        else if (!value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            yield return new FieldError(field, "may contain only letters, digits and '-'");
    }

    public static IEnumerable<FieldError> Date(LocalDate value, string field)
    {
        if (value < EarliestDate || value > LatestDate)
            yield return new FieldError(field, $"must be between {EarliestDate:yyyy-MM-dd} and {LatestDate:yyyy-MM-dd}");
    }

    /// <summary>Largest amount the ledger accepts: anything above is a typo, not an insurance amount.</summary>
    public const decimal MaxAmount = 1_000_000_000_000m;

    public static IEnumerable<FieldError> Amount(decimal value, string field, bool allowZero = false)
    {
        if (value < 0 || (!allowZero && value == 0))
            yield return new FieldError(field, allowZero ? "must not be negative" : "must be greater than 0");
        else if (value > MaxAmount)
            yield return new FieldError(field, $"must be at most {MaxAmount:N0}");
        else if (decimal.Round(value, 2) != value)
            yield return new FieldError(field, "must have at most 2 decimal places");
    }

    public static IEnumerable<FieldError> Premium(decimal value, string field) => Amount(value, field);

    /// <summary>A short identifier such as a plate or VIN: letters, digits, '-', up to 40 characters.</summary>
    public static IEnumerable<FieldError> Code(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 40 || !value.All(c => char.IsLetterOrDigit(c) || c == '-'))
            yield return new FieldError(field, "must be 1 to 40 letters, digits or '-'");
    }

    public static IEnumerable<FieldError> Defined<TEnum>(TEnum value, string field) where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
            yield return new FieldError(field, "is not a known value");
    }
}

namespace Ledger.Domain.Tests.Households;

/// <summary>
/// Names that display as blank or as somebody else's are refused; names in any script, with accents, apostrophes,
/// hyphens or emoji joined by zero-width joiners, are not.
/// </summary>
public class NameValidationTests
{
    [Theory]
    [InlineData("\u200B")] // zero-width space
    [InlineData("\u200C")] // zero-width non-joiner
    [InlineData("\u200D")] // zero-width joiner
    [InlineData("\uFEFF")] // byte-order mark
    [InlineData("\u2060")] // word joiner
    [InlineData(" \u200B\u200D \uFEFF ")]
    public void GivenOnlyInvisibleCharacters_WhenChecked_ThenTheNameIsEmpty(string name)
    {
        Assert.Equal([new FieldError("name", "must not be empty")], Check.Name(name, "name"));
    }

    [Theory]
    [InlineData("\u202A")]
    [InlineData("\u202B")]
    [InlineData("\u202C")]
    [InlineData("\u202D")]
    [InlineData("\u202E")]
    [InlineData("\u2066")]
    [InlineData("\u2067")]
    [InlineData("\u2068")]
    [InlineData("\u2069")]
    public void GivenABidirectionalControl_WhenChecked_ThenTheNameIsRefused(string control)
    {
        var error = Assert.Single(Check.Name($"张{control}伟", "name"));

        Assert.Equal("name", error.Field);
        Assert.Contains("bidirectional", error.Message);
    }

    [Theory]
    [InlineData("张伟")]
    [InlineData("Zoë")]
    [InlineData("O'Brien-Łukasz")]
    [InlineData("👨\u200D👩\u200D👧")] // one family emoji: three people joined by zero-width joiners
    [InlineData("محمد")]
    [InlineData("Ngọc Ánh")]
    [InlineData("e\u0301")]
    public void GivenANameInAnyScript_WhenChecked_ThenItIsAccepted(string name)
    {
        Assert.Empty(Check.Name(name, "name"));
    }
}

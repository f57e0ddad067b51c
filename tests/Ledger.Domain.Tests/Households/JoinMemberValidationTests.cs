using Ledger.Domain.Households;
using NodaTime;

namespace Ledger.Domain.Tests.Households;

/// <summary>The shape of a <see cref="JoinMember"/> command, checked before any household rule.</summary>
public class JoinMemberValidationTests
{
    private static readonly JoinMember Valid =
        new("王芳", new LocalDate(1955, 8, 1), Relationship.Parent, new LocalDate(2025, 5, 1), "110101195508010033");

    [Fact]
    public void GivenAWellFormedJoin_WhenValidated_ThenNoErrors()
    {
        Assert.Empty(Valid.Validate());
    }

    [Fact]
    public void GivenRelationshipSelf_WhenValidated_ThenRelationshipRejected()
    {
        var errors = (Valid with { Relationship = Relationship.Self }).Validate().ToList();

        var error = Assert.Single(errors);
        Assert.Equal("relationship", error.Field);
        Assert.Contains("self", error.Message);
    }

    [Theory]
    [InlineData(Relationship.Spouse)]
    [InlineData(Relationship.Child)]
    [InlineData(Relationship.Parent)]
    [InlineData(Relationship.Other)]
    public void GivenAnyRelationshipButSelf_WhenValidated_ThenNoErrors(Relationship relationship)
    {
        Assert.Empty((Valid with { Relationship = relationship }).Validate());
    }

    [Fact]
    public void GivenUndefinedRelationship_WhenValidated_ThenRelationshipRejected()
    {
        Assert.Equal(["relationship"], (Valid with { Relationship = (Relationship)42 }).ErrorFields());
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("   \t ")]
    [InlineData("\u3000")] // ideographic space
    public void GivenEmptyOrWhitespaceName_WhenValidated_ThenNameMustNotBeEmpty(string name)
    {
        var error = Assert.Single((Valid with { Name = name }).Validate());

        Assert.Equal(new FieldError("name", "must not be empty"), error);
    }

    [Fact]
    public void GivenExactly200ChineseCharacters_WhenValidated_ThenNoErrors()
    {
        Assert.Empty((Valid with { Name = new string('张', 200) }).Validate());
    }

    [Fact]
    public void Given201ChineseCharacters_WhenValidated_ThenNameTooLong()
    {
        var error = Assert.Single((Valid with { Name = new string('张', 201) }).Validate());

        Assert.Equal("name", error.Field);
        Assert.Contains("201", error.Message);
    }

    [Fact]
    public void Given200CharactersOutsideTheBasicPlane_WhenValidated_ThenCountedAsTextElementsAndAccepted()
    {
        var name = string.Concat(Enumerable.Repeat("𠮷", 200)); // U+20BB7: two UTF-16 units each
        Assert.Equal(400, name.Length);

        Assert.Empty((Valid with { Name = name }).Validate());
    }

    [Fact]
    public void Given200LettersWithCombiningAccents_WhenValidated_ThenCountedAsTextElementsAndAccepted()
    {
        var name = string.Concat(Enumerable.Repeat("e\u0301", 200));

        Assert.Empty((Valid with { Name = name }).Validate());
    }

    [Fact]
    public void Given201LettersWithCombiningAccents_WhenValidated_ThenNameTooLong()
    {
        var name = string.Concat(Enumerable.Repeat("e\u0301", 201));

        Assert.Equal(["name"], (Valid with { Name = name }).ErrorFields());
    }

    [Theory]
    [InlineData("张\n伟")]
    [InlineData("张\t伟")]
    [InlineData("张伟\r")]
    [InlineData("张\0伟")]
    [InlineData("张\u0085伟")] // NEL, a C1 control
    public void GivenNameWithControlCharacter_WhenValidated_ThenNameRejected(string name)
    {
        var error = Assert.Single((Valid with { Name = name }).Validate());

        Assert.Equal(new FieldError("name", "must not contain control characters"), error);
    }

    [Theory]
    [InlineData("1101 0119")]
    [InlineData(" 110101")]
    [InlineData("110101 ")]
    public void GivenIdNumberWithSpaces_WhenValidated_ThenIdNumberRejected(string idNumber)
    {
        Assert.Equal(["idNumber"], (Valid with { IdNumber = idNumber }).ErrorFields());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("AB/123")]
    [InlineData("AB_123")]
    [InlineData("１２３")] // full-width digits are not ASCII
    public void GivenMalformedIdNumber_WhenValidated_ThenIdNumberRejected(string idNumber)
    {
        Assert.Equal(["idNumber"], (Valid with { IdNumber = idNumber }).ErrorFields());
    }

    [Theory]
    [InlineData("11010119800520001X")]
    [InlineData("G12345678")]
    [InlineData("AB-123-c")]
    public void GivenIdNumberOfLettersDigitsAndDashes_WhenValidated_ThenNoErrors(string idNumber)
    {
        Assert.Empty((Valid with { IdNumber = idNumber }).Validate());
    }

    [Fact]
    public void GivenIdNumberOf64Characters_WhenValidated_ThenAcceptedButNot65()
    {
        Assert.Empty((Valid with { IdNumber = new string('9', 64) }).Validate());
        Assert.Equal(["idNumber"], (Valid with { IdNumber = new string('9', 65) }).ErrorFields());
    }

    [Fact]
    public void GivenNoIdNumber_WhenValidated_ThenNoErrors()
    {
        Assert.Empty((Valid with { IdNumber = null }).Validate());
    }

    [Theory]
    [InlineData(1899, 12, 31)]
    [InlineData(1000, 1, 1)]
    [InlineData(2201, 1, 1)]
    [InlineData(9999, 12, 31)]
    public void GivenDateOfBirthOutside1900To2200_WhenValidated_ThenDateOfBirthRejected(int year, int month, int day)
    {
        Assert.Equal(["dateOfBirth"], (Valid with { DateOfBirth = new LocalDate(year, month, day) }).ErrorFields());
    }

    [Theory]
    [InlineData(1899, 12, 31)]
    [InlineData(2201, 1, 1)]
    public void GivenEffectiveDateOutside1900To2200_WhenValidated_ThenEffectiveDateRejected(int year, int month, int day)
    {
        Assert.Equal(["effectiveDate"], (Valid with { EffectiveDate = new LocalDate(year, month, day) }).ErrorFields());
    }

    [Fact]
    public void GivenDatesOnTheEdgesOfTheLedgerRange_WhenValidated_ThenNoErrors()
    {
        var command = Valid with { DateOfBirth = new LocalDate(1900, 1, 1), EffectiveDate = new LocalDate(2200, 12, 31) };

        Assert.Empty(command.Validate());
    }

    [Fact]
    public void GivenSeveralBadFields_WhenValidated_ThenEveryFieldIsReported()
    {
        var command = new JoinMember("", new LocalDate(1800, 1, 1), Relationship.Self, new LocalDate(3000, 1, 1), "a b");

        Assert.Equal(["name", "dateOfBirth", "effectiveDate", "idNumber", "relationship"], command.ErrorFields());
    }
}

using Ledger.Domain;
using Ledger.Domain.Households;
using NodaTime;
using static Ledger.Domain.Tests.Households.Given;

namespace Ledger.Domain.Tests.Households;

/// <summary>Guards Decide applies whoever calls it (API, CLI, demo data), not only the HTTP edge.</summary>
public sealed class DecideGuardTests
{
    [Fact]
    public void GivenFamily_WhenJoiningWithAnIdAlreadyInTheHousehold_ThenPersonExists()
    {
        Family.WhenRefused(new JoinMember("王芳", new LocalDate(1960, 1, 1), Relationship.Parent, new LocalDate(2025, 1, 1)) { PersonId = ChildId })
            .ThenViolates("PersonExists", ViolationKind.Conflict);
    }

    [Fact]
    public void GivenFamily_WhenJoiningWithAnEmptyId_ThenPersonExists()
    {
        Family.WhenRefused(new JoinMember("王芳", new LocalDate(1960, 1, 1), Relationship.Parent, new LocalDate(2025, 1, 1)))
            .ThenViolates("PersonExists", ViolationKind.Conflict);
    }

    [Fact]
    public void GivenFamily_WhenASecondSelfJoinsWithoutTheHttpEdge_ThenDecideStillRefusesIt()
    {
        var violation = Family.WhenRefused(new JoinMember("张三", new LocalDate(1990, 1, 1), Relationship.Self, new LocalDate(2025, 1, 1)) { PersonId = NewcomerId });

        violation.ThenViolates("ValidationFailed", ViolationKind.Rule);
        Assert.StartsWith("relationship:", violation.Message);
    }
}

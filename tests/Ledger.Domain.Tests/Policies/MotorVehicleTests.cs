using Ledger.Domain.Policies;
using NodaTime;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Policies;

/// <summary>Family motor cover: vehicles instead of persons, changed mid-term pro rata by days like insured persons.</summary>
public class MotorVehicleTests
{
    private static readonly LocalDate LastDayOfJune = D(2025, 6, 30);

    private static IssuePolicy IssueMotor(params Vehicle[] vehicles) =>
        new IssuePolicy(PolicyCategory.Motor, "MOTOR-FAMILY", HolderId, TermStart, TermEnd, Vehicles: vehicles) { PolicyId = MotorId };

    private static AddVehicle AddVehicle(Vehicle vehicle, LocalDate on, Guid? policyId = null) =>
        new AddVehicle(vehicle, on) { PolicyId = policyId ?? MotorId };

    private static RemoveVehicle RemoveVehicle(string plate, LocalDate lastDay) => new RemoveVehicle(lastDay) { PolicyId = MotorId, Plate = plate };

    [Fact]
    public void GivenFamily_WhenAMotorPolicyCoversOneCar_ThenAcceptedAutomatically()
    {
        Family.Decide(IssueMotor(Sedan), today: IssuedOn).ThenEvents(MotorPaid(Sedan)[..3]);
    }

    [Fact]
    public void GivenMotorProduct_WhenNoVehicleIsListed_ThenVehicleRequired()
    {
        var command = new IssuePolicy(PolicyCategory.Motor, "MOTOR-FAMILY", HolderId, TermStart, TermEnd, [new(HolderId, 1000m)])
            { PolicyId = MotorId };

        Family.Refused(command, today: IssuedOn).Violates("VehicleRequired", ViolationKind.Rule);
    }

    [Fact]
    public void GivenMotorProductTakesFour_WhenFiveVehiclesAreListed_ThenReferred()
    {
        var fleet = Enumerable.Range(1, 5).Select(i => new Vehicle($"京B1000{i}", $"VIN000{i}", false, 1000m)).ToArray();

        var decided = Assert.IsType<UnderwritingDecided>(Assert.Single(Family.Decide(IssueMotor(fleet), today: IssuedOn)));

        Assert.Equal(UnderwritingOutcome.Referred, decided.Outcome);
        Assert.Equal(["More than 4 insured on one MOTOR-FAMILY policy."], decided.Reasons);
    }

    [Fact]
    public void GivenMotorPolicyPaid_WhenASecondCarIsAddedOnMarch20_ThenPremiumFor287Of365Days()
    {
        Family.Plus(MotorPaid(Sedan)).Decide(AddVehicle(Ev, D(2025, 3, 20)), today: D(2025, 3, 20)).ThenEvents(
            new VehicleAdded(MotorId, Ev, 2870.00m, D(2025, 3, 20)),
            new PremiumDue(MotorId, 2870.00m, "vehicleAdded", D(2025, 3, 20)));
    }

    [Fact]
    public void GivenCarAlreadyOnThePolicy_WhenAddedAgain_ThenVehicleAlreadyCovered()
    {
        Family.Plus(MotorPaid(Sedan)).Refused(AddVehicle(Sedan, D(2025, 3, 20))).Violates("VehicleAlreadyCovered", ViolationKind.Conflict);
    }

    [Fact]
    public void GivenTwoCars_WhenOneIsRemovedWithJune30AsLastDay_ThenRefund184Of365Days()
    {
        Family.Plus(MotorPaid(Sedan, Ev)).Decide(RemoveVehicle(Sedan.Plate, LastDayOfJune)).ThenEvents(
            new VehicleRemoved(MotorId, Sedan.Plate, 1840.00m, LastDayOfJune));
    }

    [Fact]
    public void GivenCarRemovedWithJune30AsLastDay_WhenViewed_ThenItsCoverEndsThenAndTheRefundIsOwedBack()
    {
        var view = Family.Plus(MotorPaid(Sedan, Ev)).AndThen(RemoveVehicle(Sedan.Plate, LastDayOfJune)).ViewOf(MotorId, D(2025, 7, 1));

        var sedan = Assert.Single(view.Vehicles, v => v.Plate == Sedan.Plate);
        Assert.Equal((TermStart, LastDayOfJune), (sedan.CoverFrom, sedan.CoverTo));
        Assert.Equal(TermEnd, Assert.Single(view.Vehicles, v => v.Plate == Ev.Plate).CoverTo);
        Assert.Equal(-1840m, view.PremiumBalance);
    }

    [Fact]
    public void GivenOneCar_WhenItIsRemoved_ThenLastVehicle()
    {
        Family.Plus(MotorPaid(Sedan)).Refused(RemoveVehicle(Sedan.Plate, LastDayOfJune)).Violates("LastVehicle", ViolationKind.Rule);
    }

    [Fact]
    public void GivenCarNotOnThePolicy_WhenRemoved_ThenUnknownVehicle()
    {
        Family.Plus(MotorPaid(Sedan, Ev)).Refused(RemoveVehicle("沪C99999", LastDayOfJune)).Violates("UnknownVehicle", ViolationKind.NotFound);
    }

    [Fact]
    public void GivenMedicalPolicy_WhenACarIsAdded_ThenNotMotor()
    {
        FamilyWithPaidMedical.Refused(AddVehicle(Sedan, D(2025, 3, 20), MedicalId)).Violates("NotMotor", ViolationKind.Rule);
    }

    [Fact]
    public void GivenMedicalPolicy_WhenACarIsRemoved_ThenNotMotor()
    {
        FamilyWithPaidMedical.Refused(RemoveVehicle(Sedan.Plate, LastDayOfJune) with { PolicyId = MedicalId }).Violates("NotMotor", ViolationKind.Rule);
    }

    [Fact]
    public void GivenMotorPolicy_WhenAPersonIsAdded_ThenVehiclesOnly()
    {
        Family.Plus(MotorPaid(Sedan)).Refused(new AddInsured(SpouseId, D(2025, 3, 20), 100m) { PolicyId = MotorId })
            .Violates("VehiclesOnly", ViolationKind.Rule);
    }

    [Fact]
    public void GivenMotorPolicy_WhenRenewed_ThenRenewMotorByReissue()
    {
        Family.Plus(MotorPaid(Sedan)).Refused(new RenewPolicy(D(2026, 1, 1), D(2026, 12, 31), 3650m) { PolicyId = MotorId }, D(2025, 12, 15))
            .Violates("RenewMotorByReissue", ViolationKind.Rule);
    }

    [Fact]
    public void GivenMotorPolicyWithTwoCars_WhenCancelledWithJune30AsLastDay_ThenBothCarsRemainingPremiumsAreRefunded()
    {
        var events = Family.Plus(MotorPaid(Sedan, Ev)).Decide(new CancelPolicy(LastDayOfJune, "Sold both cars") { PolicyId = MotorId });

        Assert.Equal(3680.00m, Assert.IsType<PolicyCancelled>(Assert.Single(events)).Refund);
    }
}

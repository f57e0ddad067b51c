using Ledger.Domain.Claims;
using static Ledger.Domain.Tests.Claims.ClaimGiven;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Claims;

/// <summary>Commands the claim deciders refuse: malformed input, unknown references, and actions the claim's state forbids.</summary>
public class ClaimCommandGuardTests
{
    /// <summary>Father's accident of 12,000 on 2025-03-01: approved, payable 2,000.</summary>
    private static object[] FatherApproved =>
        FamilyWithPaidMedical.AndThen(Loss(1, HolderId, D(2025, 3, 1), LossCause.Accident, 12_000m), D(2025, 3, 3));

    /// <summary>Father's illness on 2025-01-20, in the waiting period: rejected.</summary>
    private static object[] FatherRejected =>
        FamilyWithPaidMedical.AndThen(Loss(1, HolderId, D(2025, 1, 20), LossCause.Illness, 12_000m), D(2025, 3, 3));

    /// <summary>Father's accident of 80,000: payable 70,000, referred.</summary>
    private static object[] FatherReferred =>
        FamilyWithPaidMedical.AndThen(Loss(1, HolderId, D(2025, 3, 1), LossCause.Accident, 80_000m), D(2025, 3, 3));

    // ---------- submitting ----------

    [Fact]
    public void ALossAfterToday_IsRefusedLossInFuture_ALossToday_IsAccepted()
    {
        FamilyWithPaidMedical.Refused(Loss(1, HolderId, Today.PlusDays(1), LossCause.Accident, 100m), Today)
            .Violates("LossInFuture", ViolationKind.Rule);
        Assert.Equal(2, FamilyWithPaidMedical.Decide(Loss(1, HolderId, Today, LossCause.Accident, 100m), Today).Count);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0.01")]
    [InlineData("-5000")]
    [InlineData("1000000000000.01")]
    [InlineData("0.001")]
    public void AnAmountNotAboveZero_AboveTenToTheTwelve_OrWithMoreThanTwoDecimals_IsInvalid(string amount)
    {
        var claim = Loss(1, HolderId, D(2025, 3, 1), LossCause.Accident, decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(["amount"], claim.ErrorFields());
        FamilyWithPaidMedical.Refused(claim).Violates("ValidationFailed", ViolationKind.Rule);
    }

    [Fact]
    public void AnAmountOfOneCent_AndOfExactlyTenToTheTwelve_AreValid()
    {
        Assert.Empty(Loss(1, HolderId, D(2025, 3, 1), LossCause.Accident, 0.01m).ErrorFields());
        Assert.Empty(Loss(1, HolderId, D(2025, 3, 1), LossCause.Accident, 1_000_000_000_000m).ErrorFields());
    }

    [Fact]
    public void AnUnknownCause_ADateOutOfRange_AndADescriptionOver2000Characters_AreInvalid()
    {
        Assert.Equal(["cause"], Loss(1, HolderId, D(2025, 3, 1), (LossCause)7, 100m).ErrorFields());
        Assert.Equal(["lossDate"], Loss(1, HolderId, D(1899, 12, 31), LossCause.Accident, 100m).ErrorFields());
        Assert.Equal(["description"], (Loss(1, HolderId, D(2025, 3, 1), LossCause.Accident, 100m) with { Description = new string('x', 2001) }).ErrorFields());
        Assert.Empty((Loss(1, HolderId, D(2025, 3, 1), LossCause.Accident, 100m) with { Description = new string('x', 2000) }).ErrorFields());
    }

    [Fact]
    public void AClaimOnAPolicyTheHouseholdDoesNotHave_IsRefusedUnknownPolicy()
    {
        FamilyWithPaidMedical.Refused(Loss(1, HolderId, D(2025, 3, 1), LossCause.Accident, 100m, UnknownPolicyId))
            .Violates("UnknownPolicy", ViolationKind.NotFound);
    }

    [Fact]
    public void AClaimForSomeoneWhoWasNeverAMember_IsRefusedUnknownPerson()
    {
        FamilyWithPaidMedical.Refused(Loss(1, StrangerId, D(2025, 3, 1), LossCause.Accident, 100m))
            .Violates("UnknownPerson", ViolationKind.NotFound);
    }

    [Fact]
    public void AClaimIdUsedTwice_IsRefusedClaimExists()
    {
        FatherApproved.Refused(Loss(1, SpouseId, D(2025, 3, 1), LossCause.Accident, 100m))
            .Violates("ClaimExists", ViolationKind.Conflict);
    }

    // ---------- paying ----------

    [Fact]
    public void PayingMoreThanTheApprovedPayable_IsRefusedPaymentExceedsApproved()
    {
        FatherApproved.Refused(Pay(1, 2_000.01m, Today)).Violates("PaymentExceedsApproved", ViolationKind.Rule);
    }

    [Fact]
    public void PayingInInstalments_UpToThePayable_MakesTheClaimPaid_ThenNothingMoreCanBePaid()
    {
        var partly = FatherApproved.AndThen(Pay(1, 1_500m, D(2025, 3, 10)));
        Assert.Equal(ClaimStatus.Approved, partly.ClaimViewOf(1, Today).Status);
        partly.Refused(Pay(1, 500.01m, Today)).Violates("PaymentExceedsApproved", ViolationKind.Rule);

        var paid = partly.AndThen(Pay(1, 500m, D(2025, 3, 20)));
        Assert.Equal((ClaimStatus.Paid, 2_000m), (paid.ClaimViewOf(1, Today).Status, paid.ClaimViewOf(1, Today).Paid));
        paid.Refused(Pay(1, 0.01m, Today)).Violates("PaymentExceedsApproved", ViolationKind.Rule);
    }

    [Fact]
    public void PayingARejectedClaim_IsRefusedNotApproved()
    {
        FatherRejected.Refused(Pay(1, 100m, Today)).Violates("NotApproved", ViolationKind.Conflict);
    }

    [Fact]
    public void PayingAReferredClaim_IsRefusedNotApproved()
    {
        FatherReferred.Refused(Pay(1, 100m, Today)).Violates("NotApproved", ViolationKind.Conflict);
    }

    [Fact]
    public void APaymentDatedAfterToday_OrBeforeTheClaimWasReported_IsRefused()
    {
        FatherApproved.Refused(Pay(1, 100m, Today.PlusDays(1)), Today).Violates("DateInFuture", ViolationKind.Rule);
        FatherApproved.Refused(Pay(1, 100m, D(2025, 3, 2))).Violates("PaidBeforeClaim", ViolationKind.Rule);
    }

    [Fact]
    public void PayingAClaimTheHouseholdDoesNotHave_IsRefusedUnknownClaim()
    {
        FatherApproved.Refused(Pay(9, 100m, Today)).Violates("UnknownClaim", ViolationKind.NotFound);
    }

    [Fact]
    public void APaymentOfZero_IsInvalid()
    {
        Assert.Equal(["amount"], Pay(1, 0m, Today).ErrorFields());
    }

    // ---------- reviewing ----------

    [Fact]
    public void ReviewingAnApprovedClaim_IsRefusedNotReferred()
    {
        FatherApproved.Refused(Approve(1, 100m)).Violates("NotReferred", ViolationKind.Conflict);
    }

    [Fact]
    public void ReviewingAClaimTwice_IsRefusedNotReferred()
    {
        FatherReferred.AndThen(RejectOnReview(1)).Refused(Approve(1, 100m)).Violates("NotReferred", ViolationKind.Conflict);
    }

    [Fact]
    public void ApprovingMoreThanTheEligibleAmount_IsRefusedAmountAboveEligible()
    {
        FatherReferred.Refused(Approve(1, 80_000.01m)).Violates("AmountAboveEligible", ViolationKind.Rule);
    }

    // ---------- withdrawing ----------

    [Fact]
    public void AWithdrawnClaim_CannotBePaidReviewedOrWithdrawnAgain()
    {
        FatherApproved.AndThen(Withdraw(1)).Refused(Pay(1, 100m, Today)).Violates("ClaimWithdrawn", ViolationKind.Conflict);
        FatherReferred.AndThen(Withdraw(1)).Refused(Approve(1, 100m)).Violates("ClaimWithdrawn", ViolationKind.Conflict);
        FatherApproved.AndThen(Withdraw(1)).Refused(Withdraw(1)).Violates("ClaimWithdrawn", ViolationKind.Conflict);
    }

    [Fact]
    public void AClaimPaidEvenInPart_CannotBeWithdrawn()
    {
        FatherApproved.AndThen(Pay(1, 1m, Today)).Refused(Withdraw(1)).Violates("ClaimPaid", ViolationKind.Conflict);
    }

    [Fact]
    public void ARejectedOrReferredClaim_CanBeWithdrawn()
    {
        Assert.Equal([new ClaimWithdrawn(ClaimNo(1), "filed by mistake", Today)], FatherRejected.Decide(Withdraw(1), Today));
        Assert.Equal([new ClaimWithdrawn(ClaimNo(1), "filed by mistake", Today)], FatherReferred.Decide(Withdraw(1), Today));
    }

    [Fact]
    public void AWithdrawalNeedsAReason()
    {
        Assert.Equal(["reason"], Withdraw(1, "").ErrorFields());
        FatherApproved.Refused(Withdraw(1, "  ")).Violates("ValidationFailed", ViolationKind.Rule);
    }
}

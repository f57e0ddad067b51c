namespace Ledger.Domain.Policies;

/// <summary>The five health insurance categories of 健康保险管理办法 (2019) §2, plus family motor cover.</summary>
public enum PolicyCategory
{
    /// <summary>医疗保险: reimburses medical costs.</summary>
    Medical,
    /// <summary>疾病保险: pays a fixed sum on diagnosis of a covered illness.</summary>
    CriticalIllness,
    /// <summary>医疗意外保险: covers adverse outcomes of medical treatment.</summary>
    MedicalAccident,
    /// <summary>护理保险: pays for long-term care.</summary>
    LongTermCare,
    /// <summary>失能收入损失保险: replaces income lost to disability.</summary>
    DisabilityIncome,
    /// <summary>Family car insurance; vehicles are listed on the policy.</summary>
    Motor,
}

/// <summary>
/// One version of a product as it was sold. A policy keeps the code and version it was issued with; a product
/// change is a new version, never an edit, so old policies keep their conditions.
/// </summary>
/// <param name="TermMonths">Length of a term; terms include both their first and last day.</param>
/// <param name="WaitingPeriodDays">Days after a person's cover starts before illness losses are covered (never accidents).</param>
/// <param name="CoolingOffDays">Days after the contract is received during which the policyholder may withdraw for a full refund.</param>
/// <param name="Coinsurance">Share of the loss above the deductible that the insurer pays, 0 to 1.</param>
/// <param name="GuaranteedRenewalYears">Years from first issue during which the insurer may not refuse renewal.</param>
/// <param name="MaxInsured">Most persons (or vehicles, for motor) one policy may cover; more needs manual underwriting.</param>
/// <param name="MinEntryAge">Youngest age at issue the rules accept automatically.</param>
/// <param name="MaxEntryAge">Oldest age at issue the rules accept automatically.</param>
public sealed record Product(
    string Code,
    int Version,
    PolicyCategory Category,
    string Name,
    int TermMonths,
    int WaitingPeriodDays,
    int CoolingOffDays,
    decimal? PersonDeductible,
    decimal? FamilyDeductible,
    decimal Coinsurance,
    decimal? PersonAnnualLimit,
    decimal? FamilyAnnualLimit,
    decimal? SumInsured,
    int GuaranteedRenewalYears,
    int MaxInsured,
    int MinEntryAge,
    int MaxEntryAge,
    string Currency = "CNY");

/// <summary>The products the ledger can issue: at least one per category. See docs/domain.md.</summary>
public static class ProductCatalogue
{
    public static readonly IReadOnlyList<Product> All =
    [
        new("MED-FAMILY", 1, PolicyCategory.Medical, "Family medical (百万医疗) with a family shared deductible",
            TermMonths: 12, WaitingPeriodDays: 30, CoolingOffDays: 15, PersonDeductible: null, FamilyDeductible: 10_000m,
            Coinsurance: 1m, PersonAnnualLimit: 2_000_000m, FamilyAnnualLimit: 4_000_000m, SumInsured: null,
            GuaranteedRenewalYears: 6, MaxInsured: 6, MinEntryAge: 0, MaxEntryAge: 65),
        new("CI-CLASSIC", 1, PolicyCategory.CriticalIllness, "Critical illness, sum insured paid once on diagnosis",
            TermMonths: 12, WaitingPeriodDays: 90, CoolingOffDays: 15, PersonDeductible: null, FamilyDeductible: null,
            Coinsurance: 1m, PersonAnnualLimit: null, FamilyAnnualLimit: null, SumInsured: 300_000m,
            GuaranteedRenewalYears: 0, MaxInsured: 6, MinEntryAge: 0, MaxEntryAge: 55),
        new("MA-CARE", 1, PolicyCategory.MedicalAccident, "Medical accident (医疗意外) cover",
            TermMonths: 12, WaitingPeriodDays: 0, CoolingOffDays: 15, PersonDeductible: 500m, FamilyDeductible: null,
            Coinsurance: 0.9m, PersonAnnualLimit: 200_000m, FamilyAnnualLimit: null, SumInsured: null,
            GuaranteedRenewalYears: 0, MaxInsured: 6, MinEntryAge: 0, MaxEntryAge: 70),
        new("LTC-HOME", 1, PolicyCategory.LongTermCare, "Long-term care, benefits up to an annual limit",
            TermMonths: 12, WaitingPeriodDays: 180, CoolingOffDays: 15, PersonDeductible: null, FamilyDeductible: null,
            Coinsurance: 1m, PersonAnnualLimit: 120_000m, FamilyAnnualLimit: null, SumInsured: null,
            GuaranteedRenewalYears: 5, MaxInsured: 4, MinEntryAge: 18, MaxEntryAge: 60),
        new("DI-INCOME", 1, PolicyCategory.DisabilityIncome, "Disability income replacement",
            TermMonths: 12, WaitingPeriodDays: 90, CoolingOffDays: 15, PersonDeductible: null, FamilyDeductible: null,
            Coinsurance: 1m, PersonAnnualLimit: 240_000m, FamilyAnnualLimit: null, SumInsured: null,
            GuaranteedRenewalYears: 0, MaxInsured: 4, MinEntryAge: 18, MaxEntryAge: 55),
        new("MOTOR-FAMILY", 1, PolicyCategory.Motor, "Family motor cover, new-energy vehicles flagged",
            TermMonths: 12, WaitingPeriodDays: 0, CoolingOffDays: 0, PersonDeductible: null, FamilyDeductible: 1_000m,
            Coinsurance: 1m, PersonAnnualLimit: null, FamilyAnnualLimit: 1_000_000m, SumInsured: null,
            GuaranteedRenewalYears: 0, MaxInsured: 4, MinEntryAge: 18, MaxEntryAge: 75),
    ];

    public static Product? Find(string code, int? version = null) =>
        All.Where(p => string.Equals(p.Code, code, StringComparison.OrdinalIgnoreCase) && (version is null || p.Version == version))
            .MaxBy(p => p.Version);
}

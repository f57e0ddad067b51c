using System.Security.Claims;

namespace Ledger.Api.Security;

/// <summary>
/// Each insurer is a tenant (Marten conjoined tenancy: every event and document carries its tenant id). A token's
/// tenant confines every read and write; a household of another tenant simply does not exist for it (404, never 403).
/// Regulators read across tenants.
/// </summary>
public static class Tenancy
{
    public const string Default = "default";

    public static string Of(ClaimsPrincipal user) => user.FindFirst(LedgerAuth.Tenant)?.Value is { Length: > 0 } tenant ? tenant : Default;

    public static bool AcrossTenants(ClaimsPrincipal user) => user.IsInRole(Roles.Regulator);
}

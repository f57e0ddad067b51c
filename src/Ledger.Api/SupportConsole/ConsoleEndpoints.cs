using Ledger.Api.Hosting;
using Ledger.Api.Security;
using Microsoft.AspNetCore.Mvc;

namespace Ledger.Api.SupportConsole;

/// <summary>What the support console needs from the ledger besides the API: its settings and deep links.</summary>
public static class ConsoleEndpoints
{
    public const string DevelopmentTokenPath = "/console/dev-token";

    /// <summary>The name recorded as the actor of a development sign-in.</summary>
    public const string DevelopmentActor = "support (development)";

    public static void Map(WebApplication app)
    {
        // Public and free of data: the console asks before it has a token, so it never opens on an error.
        app.MapGet("/console/settings", ([FromServices] BusinessCalendar calendar) => TypedResults.Json(new ConsoleSettings(
                DevelopmentSignIn(app), calendar.Zone.Id, calendar.Today), LedgerJson.Options))
            .AllowAnonymous().ExcludeFromDescription();

        if (DevelopmentSignIn(app))
        {
            // Development only: a support token signed with the ledger's own key, so trying the console needs no CLI.
            app.MapPost(DevelopmentTokenPath, ([FromServices] IConfiguration configuration) =>
                {
                    var lifetime = TimeSpan.FromHours(8);
                    var token = LedgerAuth.CreateToken(LedgerAuth.SigningKey(configuration), configuration["Ledger:Auth:Issuer"] ?? "ledger",
                        configuration["Ledger:Auth:Audience"] ?? "ledger", DevelopmentActor, [Roles.Support], Tenancy.Default, lifetime);
                    return TypedResults.Json(new DevelopmentToken(token, DevelopmentActor, [Roles.Support], Tenancy.Default), LedgerJson.Options);
                })
                .AllowAnonymous().ExcludeFromDescription();
        }

        // Deep links (/console/households/HH00000001?on=...) are the console's own routes: the page reads them.
        app.MapFallbackToFile("/console/{**path}", "index.html").AllowAnonymous();
    }

    /// <summary>
    /// Only a Development host that signs with its own development key can hand a token out; Production never maps it,
    /// and neither does a host given a real key or an identity provider (its tokens are worth something elsewhere).
    /// </summary>
    public static bool DevelopmentSignIn(WebApplication app) =>
        app.Environment.IsDevelopment()
        && string.IsNullOrWhiteSpace(app.Configuration["Ledger:Auth:Authority"])
        && string.IsNullOrWhiteSpace(app.Configuration["Ledger:Auth:SigningKey"]);
}

/// <summary>The console's settings: whether the development sign-in exists, the insurer's time zone and today there.</summary>
public sealed record ConsoleSettings(bool DevelopmentSignIn, string TimeZone, NodaTime.LocalDate Today);

public sealed record DevelopmentToken(string Token, string Name, string[] Roles, string Tenant);

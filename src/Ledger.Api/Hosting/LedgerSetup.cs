using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Ledger.Api.Audit;
using Ledger.Api.Claims;
using Ledger.Api.Households;
using Ledger.Api.Policies;
using Ledger.Api.Registers;
using Marten;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NodaTime;
using Npgsql;
using Scalar.AspNetCore;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Marten;
using Weasel.Core;
using Ledger.Domain.Households;

namespace Ledger.Api.Hosting;

public static class LedgerSetup
{
    public static WebApplicationBuilder AddLedger(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<IClock>(SystemClock.Instance);
        services.AddSingleton<LedgerDatabase>();
        services.AddSingleton<BusinessCalendar>();
        services.AddSingleton(sp => sp.GetRequiredService<LedgerDatabase>().CreateDataSource());
        services.AddSingleton<HouseholdNumbers>();
        services.AddSingleton<HouseholdCommits>();
        services.AddSingleton<Ledger.Api.Audit.AuditVerifier>();
        services.AddSingleton<Ledger.Api.Audit.AuditExporter>();

        services.ConfigureHttpJsonOptions(o => LedgerJson.Configure(o.SerializerOptions));
        builder.AddRequestGuard();
        builder.AddInlineScheduling();
        Ledger.Api.Security.LedgerAuth.AddLedgerAuth(services, builder.Configuration);
        // Problems the framework writes itself (unknown route, wrong method, wrong media type) get a code too.
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            if (c.ProblemDetails.Extensions.ContainsKey("code")) return;
            c.ProblemDetails.Extensions["code"] = c.ProblemDetails.Status switch
            {
                StatusCodes.Status404NotFound => "NotFound",
                StatusCodes.Status405MethodNotAllowed => "MethodNotAllowed",
                StatusCodes.Status413PayloadTooLarge => "BodyTooLarge",
                StatusCodes.Status415UnsupportedMediaType => "UnsupportedMediaType",
                StatusCodes.Status400BadRequest => "ValidationFailed",
                StatusCodes.Status401Unauthorized => "Unauthorized",
                StatusCodes.Status403Forbidden => "Forbidden",
                StatusCodes.Status429TooManyRequests => "TooManyRequests",
                _ => "Error",
            };
        });
        services.AddExceptionHandler<UnexpectedErrorHandler>();
        // Wolverine logs every failed invocation as an error with its stack trace, under the message type's name. For a
        // household write that is a refusal the caller is answered with (422, 404, 412), not a fault; a real fault
        // reaches UnexpectedErrorHandler, which logs it with the request.
        builder.Logging.AddFilter(typeof(HouseholdWrite<>).FullName![..^2], LogLevel.None);
        services.AddOpenApi(o => o.AddSchemaTransformer<NodaTimeSchemaTransformer>().AddLedgerContract());
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<Ledger.Api.Registers.ProjectionLagHealthCheck>("projections", tags: ["ready"])
            .AddCheck<WarmUp>("warmUp", tags: ["ready"]);

        var cluster = builder.Configuration["Ledger:Cluster"] == "true";
        var marten = services.AddMarten(sp =>
            {
                var connectionString = sp.GetRequiredService<LedgerDatabase>().ConnectionString;
                var placed = TenantDatabases.Configured(builder.Configuration);
                TenantPartitionUpgrade.Run(placed.Values.Prepend(connectionString));
                var store = ConfigureStore(new StoreOptions(), connectionString, sp.GetRequiredService<IClock>(), placed, cluster);
                // Wolverine's own tables (nodes, scheduled and dead-letter messages) live in the default database, beside
                // the tenant pool; each tenant database keeps its outbox. Wolverine reads this once the store is built.
                sp.GetRequiredService<MartenIntegration>().MasterDataSource ??= ((Marten.Storage.ShardedTenancy)store.Tenancy).TenantDatabase.DataSource;
                return store;
            })
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup();
        services.AddSingleton<TenantDatabases>();
        // Before anything writes: a tenant configuration places is in its database before its first request.
        services.AddHostedService<TenantPlacements>();
        if (cluster)
        {
            // Wolverine's leader spreads the async projections over the live nodes, each on exactly one, and moves a dead
            // node's to another (docs/operations.md); Marten's own daemon coordination must then stay off.
            marten.IntegrateWithWolverine(m => m.UseWolverineManagedEventSubscriptionDistribution = true);
            services.AddHostedService<ClusterNode>();
        }
        else
        {
            // One node runs the async projections (HotCold: a second process on the same database takes over if it stops).
            marten.AddAsyncDaemon(JasperFx.Events.Daemon.DaemonMode.HotCold).IntegrateWithWolverine();
        }

        // `codegen write` puts the generated handler code in this project (Internal/Generated), wherever it is run from.
        services.CritterStackDefaults(o => o.AutoResolveProjectRoot = true);
        builder.Host.UseWolverine(opts =>
        {
            opts.ApplicationAssembly = typeof(LedgerSetup).Assembly;
            // Handlers are compiled with the project (README: regenerate after changing one), never at run time:
            // generating them on the first write took seconds under load.
            opts.CodeGeneration.TypeLoadMode = JasperFx.CodeGeneration.TypeLoadMode.Static;
            opts.UseSystemTextJsonForSerialization(o => LedgerJson.Configure(o));
            opts.Durability.Mode = cluster ? DurabilityMode.Balanced : DurabilityMode.Solo;
            if (cluster) ClusterNode.Configure(opts.Durability);
            // A handler that takes a Marten session gets Wolverine's transactional middleware: its changes and the
            // messages it sends commit together (the outbox), after the handler returns.
            opts.Policies.AutoApplyTransactions();
            // PostgreSQL gave up on a transaction that could succeed if run again (a deadlock or a serialization
            // failure): run the handler again, on a new session. Refusals and outages are answered, never retried.
            opts.OnException(RunAgainSucceeds)
                .RetryWithCooldown(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(250));
            // The sweep's messages and the daily digest wait in the database Marten uses: a restart loses neither the next
            // scheduled sweep, nor a page or a household still to sweep, nor the day's digest (src/Ledger.Api/Policies/Sweeping.cs).
            opts.LocalQueue("sweep").UseDurableInbox();
            opts.PublishMessage<Ledger.Api.Policies.ScheduledSweep>().ToLocalQueue("sweep");
            opts.PublishMessage<Ledger.Api.Policies.SweepPage>().ToLocalQueue("sweep");
            opts.PublishMessage<Ledger.Api.Policies.SweepDueHousehold>().ToLocalQueue("sweep");
            opts.PublishMessage<Ledger.Api.Audit.PublishDailyDigest>().ToLocalQueue("sweep");
        });

        services.AddSingleton<Ledger.Api.Security.AccessLog>();
        services.AddHostedService(sp => sp.GetRequiredService<Ledger.Api.Security.AccessLog>());
        services.AddSingleton<DemoDataSeeder>();
        services.AddHostedService(sp => sp.GetRequiredService<DemoDataSeeder>());
        services.AddSingleton<WarmUp>();
        services.AddHostedService(sp => sp.GetRequiredService<WarmUp>());
        services.AddHostedService<Ledger.Api.Policies.SweepScheduler>();
        return builder;
    }

    private static bool RunAgainSucceeds(Exception e) =>
        e is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure }
        || (e.InnerException is { } inner && RunAgainSucceeds(inner));

    /// <summary>The event store as the ledger runs it; the benchmark project builds the same one.</summary>
    public static StoreOptions ConfigureStore(StoreOptions opts, string connectionString, IClock clock, IReadOnlyDictionary<string, string>? placedTenants = null, bool cluster = false)
    {
        // Insurers share a database unless one is placed in its own (TenantDatabases): every event and document carries
        // its tenant (docs/security.md).
        TenantDatabases.Configure(opts, connectionString, placedTenants, cluster);
        opts.DatabaseSchemaName = HouseholdNumbers.Schema;
        opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase, o => LedgerJson.ConfigureStorage(o));

        // Quick appends (one mt_quick_append_events call, no sequence reservation, no second stream-state read). In this
        // mode, despite its name, Marten 9.58 stamps events from our TimeProvider (plain Quick would take the server's
        // now()); inline projections see versions and instants but not sequences, which audit link v2 leaves out.
        // See docs/decisions/0003-event-append-mode.md.
        opts.Events.AppendMode = EventAppendMode.QuickWithServerTimestamps;
        // The household FetchForWriting loads is the one the inline projection folds the new events onto: one read, not two.
        opts.Events.UseIdentityMapForAggregates = true;
        opts.Events.MetadataConfig.CorrelationIdEnabled = true;
        opts.Events.MetadataConfig.CausationIdEnabled = true;
        opts.Events.MetadataConfig.HeadersEnabled = true;
        opts.Events.MetadataConfig.UserNameEnabled = true;
        opts.Events.TimeProvider = new ClockTimeProvider(clock);
        // A regulator's register must never silently skip an event it cannot apply: the daemon stops that
        // projection instead, and readiness shows it.
        opts.Projections.Errors.SkipApplyErrors = false;
        opts.Projections.Errors.SkipSerializationErrors = false;
        opts.Projections.Errors.SkipUnknownEvents = false;

        opts.AddHouseholds().AddPolicies().AddClaims().AddAudit().AddRegisters();
        // A write reads the keys of a household's people by household, in the batch that fetches the household.
        opts.Schema.For<Ledger.Api.Privacy.PersonKey>().Duplicate(k => k.HouseholdId);
        return opts;
    }

    /// <summary>
    /// The ledger's connections: what a session sets is transaction-scoped (locks, set_config), so resetting every
    /// pooled connection with DISCARD ALL would cost a statement per command and throw away prepared statements; the
    /// statements every write repeats are prepared once per connection.
    /// </summary>
    public static string Tuned(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true, MaxAutoPrepare = 64, AutoPrepareMinUsages = 2 }.ConnectionString;

    /// <summary>
    /// Marten's connections. Each physical connection, once, when it opens: a writer queued on a busy household's
    /// stream row gives up after 10 s rather than holding a pooled connection (the API answers 409 ConcurrentWrite).
    /// Set by a statement, not a startup option, which poolers such as PgBouncer refuse; and once per connection,
    /// not once per command.
    /// </summary>
    public static NpgsqlDataSource DataSource(string connectionString)
    {
        const string setUp = "set lock_timeout = '10s'";
        return new NpgsqlDataSourceBuilder(Tuned(connectionString))
            .UsePhysicalConnectionInitializer(
                connection =>
                {
                    using var command = new NpgsqlCommand(setUp, connection);
                    command.ExecuteNonQuery();
                },
                async connection =>
                {
                    await using var command = new NpgsqlCommand(setUp, connection);
                    await command.ExecuteNonQueryAsync();
                })
            .Build();
    }

    public static WebApplication UseLedger(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        Ledger.Api.Security.LedgerAuth.UseSecurityHeaders(app);
        app.UseRequestShapeGuard();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        // The token's tenant exists, with its table partitions, before any handler opens a session for it.
        app.Use(async (http, next) =>
        {
            if (http.User.Identity?.IsAuthenticated == true && Ledger.Api.Security.Tenancy.TryOf(http.User, out var tenant))
                await http.RequestServices.GetRequiredService<TenantDatabases>().KnowAsync(tenant, http.RequestAborted);
            await next();
        });
        app.UseRouteIdGuard();
        app.UseRateLimiter();
        app.Use(async (http, next) =>
        {
            await next();
            http.RequestServices.GetRequiredService<Ledger.Api.Security.AccessLog>()
                .Record(http, http.RequestServices.GetRequiredService<BusinessCalendar>().Now);
        });

        // Public: health, the OpenAPI document and its UI. Everything else needs a token (the fallback policy).
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/docs", o => o.WithTitle("Ledger API")
            // Works offline: the bundle is served from here, and nothing else (fonts, telemetry, proxy, AI agent) is fetched;
            // links to hosted Scalar services (share, SDKs, deploy, the web API client) are hidden.
            .DisableDefaultFonts().DisableTelemetry().DisableAgent().DisableMcp().HideDeveloperTools().HideClientButton()
            .AddPreferredSecuritySchemes([OpenApiContract.BearerScheme])).AllowAnonymous();
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new()
        {
            Predicate = c => c.Tags.Contains("ready"),
            ResponseWriter = DatabaseHealthCheck.WriteAsync,
            // A projection far behind makes the node not ready: a load balancer should stop sending it readers.
            ResultStatusCodes = { [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable, [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable },
        }).AllowAnonymous();

        app.MapHouseholds().MapPolicies().MapClaims().MapRegisters().MapAudit();
        Ledger.Api.Security.AccessLog.Map(app);
        Ledger.Api.SupportConsole.ConsoleEndpoints.Map(app);
        return app;
    }
}

/// <summary>Readiness: the database answers a query.</summary>
public sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("select 1");
            await command.ExecuteScalarAsync(ct);
            return HealthCheckResult.Healthy("PostgreSQL answers.");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL does not answer.");
        }
    }

    /// <summary>
    /// Check names and statuses, for anyone: a failing check's description can carry an exception's text (host, port,
    /// SQL state), so none is shown. A caller with a token also sees each check's data (projection lag in events).
    /// </summary>
    public static Task WriteAsync(HttpContext http, HealthReport report)
    {
        var signedIn = http.User.Identity?.IsAuthenticated == true;
        return http.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                data = signedIn && e.Value.Data.Count > 0 ? e.Value.Data : null,
            }),
        });
    }
}

/// <summary>The last line of defence: an unexpected failure is a 500 problem without stack trace or SQL.</summary>
public sealed class UnexpectedErrorHandler(ILogger<UnexpectedErrorHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult problem;
        if (exception is BadHttpRequestException bad)
        {
            problem = RequestGuard.FromBadRequest(bad);
        }
        else if (DatabaseOutage.Caused(exception))
        {
            logger.LogWarning("Database unavailable for {Method} {Path}: {Message}", http.Request.Method, http.Request.Path, exception.Message);
            problem = DatabaseOutage.Answer(http);
        }
        else
        {
            logger.LogError(exception, "Unhandled error for {Method} {Path}", http.Request.Method, http.Request.Path);
            problem = Problems.Of(StatusCodes.Status500InternalServerError, "InternalError", "Something went wrong on our side.",
                $"Read the household before retrying a write. Quote trace id {http.TraceIdentifier} when reporting this.");
        }
        await problem.ExecuteAsync(http);
        return true;
    }
}

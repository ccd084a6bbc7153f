using System.Text.Json;
using System.Text.Json.Serialization;

namespace FocusedQuantization.Tracker;

/// <summary>Registers the tracker's services and maps its MLflow-compatible endpoints.</summary>
public static class TrackerExtensions
{
    /// <summary>
    /// Adds the SQLite experiment store and MLflow's JSON conventions (snake_case names, int64 read from numbers or
    /// strings, null fields left out), and listens on <see cref="TrackerOptions.Urls"/>.
    /// </summary>
    public static WebApplicationBuilder AddTracker(this WebApplicationBuilder builder, TrackerOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        builder.WebHost.UseUrls(options.Urls);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(services => new SqliteExperimentStore(
            options.DatabasePath, options.ResolveArtifactRoot(), services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(services => new SqliteRunStore(
            services.GetRequiredService<SqliteExperimentStore>(), services.GetRequiredService<TimeProvider>()));
        builder.Services.ConfigureHttpJsonOptions(json => ConfigureJson(json.SerializerOptions));
        return builder;
    }

    /// <summary>
    /// Maps GET /health, the page at / and the MLflow REST endpoints under /api/2.0/mlflow and /ajax-api/2.0/mlflow
    /// (the prefix MLflow's own web UI calls), the latter behind the token when <see cref="TrackerOptions.Token"/> is
    /// set. Every error, an unknown path included, is answered with MLflow's JSON error body.
    /// </summary>
    public static WebApplication MapTracker(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Open the store now, so that a bad --db fails at startup rather than on the first request.
        app.Services.GetRequiredService<SqliteRunStore>();
        app.Use(ErrorBodies.InvokeAsync);
        if (app.Services.GetRequiredService<TrackerOptions>().Token is { } token)
            app.Use(new TokenGate(token).InvokeAsync);
        app.MapGet("/health", () => Results.Text("OK"));
        app.MapPage();
        foreach (var prefix in ApiPrefixes)
        {
            var mlflow = app.MapGroup(prefix);
            mlflow.MapExperimentEndpoints();
            mlflow.MapRunEndpoints();
            mlflow.MapRunLoggingEndpoints();
            // Within the prefix, a known path asked with another method lands here too, rather than on a bodiless 405.
            mlflow.Map("/{**path}", NotFound);
        }
        // Everything else: other API versions (/api/2.1), mlflow-artifacts, mistyped paths.
        app.MapFallback("/{**path}", NotFound);
        return app;
    }

    /// <summary>The prefixes the MLflow REST API is served under.</summary>
    public static IReadOnlyList<string> ApiPrefixes { get; } = ["/api/2.0/mlflow", "/ajax-api/2.0/mlflow"];

    private static IResult NotFound(HttpRequest request) =>
        MlflowException.EndpointNotFound($"No endpoint answers {request.Method} {request.Path}.").ToResult();

    /// <summary>MLflow's JSON conventions, applied to the given options.</summary>
    public static void ConfigureJson(JsonSerializerOptions json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        // Proto3 JSON writes non-finite doubles as "NaN", "Infinity", "-Infinity".
        json.NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals;
        json.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
    }
}

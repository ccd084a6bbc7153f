namespace FocusedQuantization.Tracker;

/// <summary>Where the tracker keeps its data and where it listens.</summary>
public sealed record TrackerOptions
{
    /// <summary>Default of <see cref="Urls"/>: loopback only, MLflow's usual port.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5000";

    /// <summary>The environment variable the token is read from when --token is not given.</summary>
    public const string TokenVariable = "FQ_TRACKER_TOKEN";

    /// <summary>Path of the SQLite database file, created if missing. Default: mlruns.db in the current directory.</summary>
    public string DatabasePath { get; init; } = "mlruns.db";

    /// <summary>
    /// The URLs to listen on, separated by ';'. Default: <see cref="DefaultUrls"/>. Use port 0 to let the system pick
    /// a free port; <see cref="TrackerHost.BaseAddress"/> then tells which one it picked.
    /// </summary>
    public string Urls { get; init; } = DefaultUrls;

    /// <summary>
    /// Root under which experiments created without an artifact location get one (root/experiment_id).
    /// Default (null): the folder "mlartifacts" beside the database file.
    /// </summary>
    public string? ArtifactRoot { get; init; }

    /// <summary>
    /// A shared secret every /api request must bear (Authorization: Bearer TOKEN); /health and the page stay open.
    /// Default (null): no token, anyone who reaches the port may read and write.
    /// </summary>
    public string? Token { get; init; }

    /// <summary>
    /// Reads the options from configuration, so from the command line: --db PATH, --urls URLS (or ASPNETCORE_URLS),
    /// --artifact-root PATH, --token TOKEN (or the environment variable FQ_TRACKER_TOKEN); anything not given keeps
    /// its default.
    /// </summary>
    public static TrackerOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var defaults = new TrackerOptions();
        return new TrackerOptions
        {
            DatabasePath = NonBlankOrNull(configuration["db"]) ?? defaults.DatabasePath,
            Urls = NonBlankOrNull(configuration["urls"]) ?? defaults.Urls,
            ArtifactRoot = NonBlankOrNull(configuration["artifact-root"]),
            Token = NonBlankOrNull(configuration["token"]) ?? NonBlankOrNull(configuration[TokenVariable]),
        };
    }

    /// <summary>The artifact root actually used: <see cref="ArtifactRoot"/> or its default, as an absolute path.</summary>
    public string ResolveArtifactRoot() =>
        Path.GetFullPath(ArtifactRoot
                         ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(DatabasePath)) ?? ".", "mlartifacts"));

    private static string? NonBlankOrNull(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

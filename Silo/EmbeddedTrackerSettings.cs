using System.Globalization;
using FocusedQuantization.Tracker;
using Microsoft.Extensions.Configuration;

namespace FocusedQuantization.Silo;

/// <summary>Where the embedded tracker keeps its runs, the port it asks for and the token it requires.</summary>
public sealed record EmbeddedTrackerSettings
{
    /// <summary>Environment variable that picks the port: FQ_TRACKER_PORT.</summary>
    public const string PortVariable = "FQ_TRACKER_PORT";

    /// <summary>The port used when FQ_TRACKER_PORT is not set (a free one is taken when it is busy).</summary>
    public const int DefaultPort = 5055;

    /// <summary>Name of the tracker's database in the state folder.</summary>
    public const string DatabaseFileName = "tracker.db";

    /// <summary>The state folder of the database (<see cref="DatabaseFileName"/>). Default: null, FQ_HOME or ./.fq.</summary>
    public string? StateFolder { get; init; }

    /// <summary>The port asked for; a free one is taken when it is busy. Default: <see cref="DefaultPort"/>.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>A bearer token the tracker's API requires and the silo's outbox presents. Default: none.</summary>
    public string? Token { get; init; }

    /// <summary>Full path of the tracker's database.</summary>
    public string DatabasePath => Path.Combine(FqStateFolder.Resolve(StateFolder), DatabaseFileName);

    /// <summary>
    /// Reads the settings from configuration: the state folder from --state or FQ_HOME, the port from FQ_TRACKER_PORT,
    /// the token from FQ_TRACKER_TOKEN (blank: none).
    /// </summary>
    /// <exception cref="ArgumentException">FQ_TRACKER_PORT is not a port number.</exception>
    public static EmbeddedTrackerSettings FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new EmbeddedTrackerSettings
        {
            StateFolder = configuration.Value("state") ?? configuration.Value(FqStateFolder.EnvironmentVariable),
            Port = PortFrom(configuration.Value(PortVariable)) ?? DefaultPort,
            Token = configuration.Value(TrackerOptions.TokenVariable),
        };
    }

    private static int? PortFrom(string? text)
    {
        if (text is null) return null;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new ArgumentException($"{PortVariable} must be a port number between 1 and 65535; got '{text}'.", PortVariable);
        return port;
    }
}

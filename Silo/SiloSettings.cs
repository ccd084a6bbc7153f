using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace FocusedQuantization.Silo;

/// <summary>Where a silo listens, which cluster it joins and where it keeps state.</summary>
public sealed record SiloSettings
{
    /// <summary>Port for silo-to-silo traffic. Default: 11111, Orleans' usual one.</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>Port clients connect to. Default: 30000, Orleans' usual one.</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>
    /// Embedded mode only: silo port of the primary silo, which every other silo on this machine joins through.
    /// Default: null, meaning this silo is the primary.
    /// </summary>
    public int? PrimarySiloPort { get; init; }

    /// <summary>Identity of the service, kept across deployments (it keys stored state and reminders). Default: "fq".</summary>
    public string ServiceId { get; init; } = "fq";

    /// <summary>Identity of this cluster; silos only join silos of the same one. Default: "fq".</summary>
    public string ClusterId { get; init; } = "fq";

    /// <summary>
    /// The Redis server of the cluster, redis://HOST:PORT. Default: null, meaning <see cref="SiloMode.Embedded"/>.
    /// </summary>
    public string? Cluster { get; init; }

    /// <summary>
    /// Embedded mode: the folder of the SQLite file (<see cref="FqStateFolder.DatabaseFileName"/>).
    /// Default: null, meaning FQ_HOME if set, else ./.fq (see <see cref="FqStateFolder.Resolve"/>).
    /// </summary>
    public string? StateFolder { get; init; }

    /// <summary>
    /// Cluster mode: the address other silos and clients reach this one at. Default: null, meaning loopback when Redis
    /// is on this machine, else the local address of the network interface that reaches Redis.
    /// </summary>
    public IPAddress? AdvertisedAddress { get; init; }

    /// <summary>
    /// How long a grain call may take before the caller gives up. Default: 10 minutes, generous because trials are long;
    /// grains should still return quickly and report progress rather than hold a call for a whole trial.
    /// </summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Loopback port of this silo's Orleans dashboard (cluster overview, grains, silos), at http://127.0.0.1:PORT/.
    /// Default: null, no dashboard: it is unauthenticated and shows grain state, and silos sharing a machine would all
    /// want the same port, so each one that should serve it is given its own.
    /// </summary>
    public int? DashboardPort { get; init; }

    /// <summary>Environment variable that gives the embedded silo of the fq process a dashboard port.</summary>
    public const string DashboardPortVariable = "FQ_DASHBOARD_PORT";

    /// <summary>The port in FQ_DASHBOARD_PORT, or null when it is unset or blank.</summary>
    /// <exception cref="ArgumentException">It is set but not a port number.</exception>
    public static int? DashboardPortFromEnvironment() => DashboardPortFromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>The port in FQ_DASHBOARD_PORT as <paramref name="variable"/> gives it, or null when it is unset or blank.</summary>
    /// <exception cref="ArgumentException">It is set but not a port number.</exception>
    public static int? DashboardPortFromEnvironment(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        var text = NonBlank(variable(DashboardPortVariable));
        if (text is null) return null;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new ArgumentException($"{DashboardPortVariable} must be a port number between 1 and 65535; got '{text}'. Unset it for no dashboard.",
                DashboardPortVariable);
        return port;
    }

    /// <summary>Embedded without <see cref="Cluster"/>, Redis-based otherwise.</summary>
    public SiloMode Mode => Cluster is null ? SiloMode.Embedded : SiloMode.Cluster;

    /// <summary>The parsed <see cref="Cluster"/> address; null in embedded mode.</summary>
    /// <exception cref="ArgumentException">The address is malformed.</exception>
    public ClusterAddress? ClusterAddress => Cluster is null ? null : Silo.ClusterAddress.Parse(Cluster);

    /// <summary>
    /// Reads the settings from configuration, so from the command line: --cluster, --silo-port, --gateway-port,
    /// --primary-silo-port, --service-id, --cluster-id, --state (else FQ_HOME), --dashboard-port; anything not given
    /// keeps its default.
    /// </summary>
    /// <exception cref="ArgumentException">A value is not a usable port, id or address; the message names the setting.</exception>
    public static SiloSettings FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var defaults = new SiloSettings();
        var settings = new SiloSettings
        {
            SiloPort = Port(configuration, "silo-port") ?? defaults.SiloPort,
            GatewayPort = Port(configuration, "gateway-port") ?? defaults.GatewayPort,
            PrimarySiloPort = Port(configuration, "primary-silo-port"),
            ServiceId = NonBlank(configuration["service-id"]) ?? defaults.ServiceId,
            ClusterId = NonBlank(configuration["cluster-id"]) ?? defaults.ClusterId,
            Cluster = NonBlank(configuration["cluster"]),
            StateFolder = NonBlank(configuration["state"]) ?? NonBlank(configuration[FqStateFolder.EnvironmentVariable]),
            DashboardPort = Port(configuration, "dashboard-port"),
        };
        settings.Validate();
        return settings;
    }

    /// <summary>Checks that the ports are valid and distinct, the ids not blank and the cluster address well formed.</summary>
    /// <exception cref="ArgumentException">Names the setting that is wrong.</exception>
    public void Validate()
    {
        CheckPort(SiloPort, nameof(SiloPort), "--silo-port");
        CheckPort(GatewayPort, nameof(GatewayPort), "--gateway-port");
        if (PrimarySiloPort is { } primary) CheckPort(primary, nameof(PrimarySiloPort), "--primary-silo-port");
        if (DashboardPort is { } dashboard)
        {
            CheckPort(dashboard, nameof(DashboardPort), "--dashboard-port");
            if (dashboard == SiloPort || dashboard == GatewayPort)
                throw new ArgumentException($"--dashboard-port is {dashboard}, which the silo already uses for Orleans traffic; pick another port.", nameof(DashboardPort));
        }
        if (SiloPort == GatewayPort)
            throw new ArgumentException($"--silo-port and --gateway-port are both {SiloPort}; they must differ.", nameof(GatewayPort));
        if (string.IsNullOrWhiteSpace(ServiceId)) throw new ArgumentException("The service id must not be blank.", nameof(ServiceId));
        if (string.IsNullOrWhiteSpace(ClusterId)) throw new ArgumentException("The cluster id must not be blank.", nameof(ClusterId));
        if (ResponseTimeout <= TimeSpan.Zero)
            throw new ArgumentException($"The response timeout is {ResponseTimeout}; it must be positive.", nameof(ResponseTimeout));
        if (Cluster is not null)
        {
            _ = ClusterAddress;
            if (PrimarySiloPort is not null)
                throw new ArgumentException("--primary-silo-port is for embedded silos; a Redis cluster finds its silos through Redis.",
                    nameof(PrimarySiloPort));
        }
    }

    private static void CheckPort(int port, string name, string option)
    {
        if (port is < 1 or > 65535)
            throw new ArgumentException($"{option} is {port}; a port must be between 1 and 65535.", name);
    }

    private static int? Port(IConfiguration configuration, string key)
    {
        var text = NonBlank(configuration[key]);
        if (text is null) return null;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new ArgumentException($"--{key} must be a port number between 1 and 65535; got '{text}'.", key);
        return port;
    }

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

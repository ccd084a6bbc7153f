using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace FocusedQuantization.Silo;

/// <summary>Where a silo listens and which cluster it joins.</summary>
public sealed record SiloSettings
{
    /// <summary>Port for silo-to-silo traffic. Default: 11111, Orleans' usual one.</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>Port clients connect to. Default: 30000, Orleans' usual one.</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>
    /// Silo port of the cluster's primary silo, which every other silo on this machine joins through.
    /// Default: null, meaning this silo is the primary.
    /// </summary>
    public int? PrimarySiloPort { get; init; }

    /// <summary>Identity of the service, kept across deployments (it keys stored state). Default: "fq".</summary>
    public string ServiceId { get; init; } = "fq";

    /// <summary>Identity of this cluster; silos only join silos of the same one. Default: "dev".</summary>
    public string ClusterId { get; init; } = "dev";

    /// <summary>
    /// Reads the settings from configuration, so from the command line: --silo-port, --gateway-port,
    /// --primary-silo-port, --service-id, --cluster-id; anything not given keeps its default.
    /// </summary>
    /// <exception cref="ArgumentException">A value is not a usable port or id; the message names the setting.</exception>
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
        };
        settings.Validate();
        return settings;
    }

    /// <summary>Checks that the ports are valid and distinct and the ids are not blank.</summary>
    /// <exception cref="ArgumentException">Names the setting that is wrong.</exception>
    public void Validate()
    {
        CheckPort(SiloPort, nameof(SiloPort));
        CheckPort(GatewayPort, nameof(GatewayPort));
        if (PrimarySiloPort is { } primary) CheckPort(primary, nameof(PrimarySiloPort));
        if (SiloPort == GatewayPort)
            throw new ArgumentException($"The silo port and the gateway port are both {SiloPort}; they must differ.", nameof(GatewayPort));
        if (string.IsNullOrWhiteSpace(ServiceId)) throw new ArgumentException("The service id must not be blank.", nameof(ServiceId));
        if (string.IsNullOrWhiteSpace(ClusterId)) throw new ArgumentException("The cluster id must not be blank.", nameof(ClusterId));
    }

    private static void CheckPort(int port, string name)
    {
        if (port is < 1 or > 65535)
            throw new ArgumentException($"{name} is {port}; a port must be between 1 and 65535.", name);
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

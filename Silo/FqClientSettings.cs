using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace FocusedQuantization.Silo;

/// <summary>How an external client joins an fq cluster: through the Redis server of a cluster, or at the gateway of an embedded silo.</summary>
public sealed record FqClientSettings
{
    /// <summary>The cluster's Redis server, redis://HOST:PORT. Either this or <see cref="GatewayPort"/>.</summary>
    public string? Cluster { get; init; }

    /// <summary>The loopback gateway port of an embedded silo another process hosts. Either this or <see cref="Cluster"/>.</summary>
    public int? GatewayPort { get; init; }

    /// <summary>Service identity; must match the silos'. Default: "fq".</summary>
    public string ServiceId { get; init; } = "fq";

    /// <summary>Cluster identity; must match the silos'. Default: "fq".</summary>
    public string ClusterId { get; init; } = "fq";

    /// <summary>How long a grain call may take before the client gives up. Default: 10 minutes, as on the silos.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long to keep trying when no gateway answers yet (silos still starting). Default: 30 seconds.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The parsed <see cref="Cluster"/>; null when the client joins an embedded silo's gateway.</summary>
    /// <exception cref="ArgumentException">The address is malformed.</exception>
    public ClusterAddress? ClusterAddress => Cluster is null ? null : Silo.ClusterAddress.Parse(Cluster);

    /// <summary>
    /// Reads the settings from configuration, so from the command line: --cluster, --service-id, --cluster-id; anything
    /// not given keeps its default.
    /// </summary>
    /// <exception cref="ArgumentException">The cluster is missing or malformed.</exception>
    public static FqClientSettings FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var defaults = new FqClientSettings();
        var settings = new FqClientSettings
        {
            Cluster = configuration.Value("cluster"),
            ServiceId = configuration.Value("service-id") ?? defaults.ServiceId,
            ClusterId = configuration.Value("cluster-id") ?? defaults.ClusterId,
        };
        settings.Validate();
        return settings;
    }

    /// <summary>Checks that exactly one of the cluster and the gateway is given, and that the ids and times are usable.</summary>
    /// <exception cref="ArgumentException">Names what is wrong.</exception>
    public void Validate()
    {
        if ((Cluster is null) == (GatewayPort is null))
            throw new ArgumentException("A client needs either --cluster redis://HOST:PORT or the gateway port of an embedded silo, not both or neither.", "cluster");
        _ = ClusterAddress;
        if (GatewayPort is { } port && port is < 1 or > 65535)
            throw new ArgumentException($"The gateway port is {port.ToString(CultureInfo.InvariantCulture)}; a port must be between 1 and 65535.", nameof(GatewayPort));
        if (string.IsNullOrWhiteSpace(ServiceId)) throw new ArgumentException("The service id must not be blank.", nameof(ServiceId));
        if (string.IsNullOrWhiteSpace(ClusterId)) throw new ArgumentException("The cluster id must not be blank.", nameof(ClusterId));
        if (ResponseTimeout <= TimeSpan.Zero || ConnectTimeout < TimeSpan.Zero)
            throw new ArgumentException("The response timeout must be positive and the connect timeout not negative.", nameof(ResponseTimeout));
    }
}

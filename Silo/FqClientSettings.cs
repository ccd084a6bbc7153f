namespace FocusedQuantization.Silo;

/// <summary>How an external client joins a Redis-based fq cluster.</summary>
public sealed record FqClientSettings
{
    /// <summary>The cluster's Redis server, redis://HOST:PORT. Required.</summary>
    public required string Cluster { get; init; }

    /// <summary>Service identity; must match the silos'. Default: "fq".</summary>
    public string ServiceId { get; init; } = "fq";

    /// <summary>Cluster identity; must match the silos'. Default: "fq".</summary>
    public string ClusterId { get; init; } = "fq";

    /// <summary>How long a grain call may take before the client gives up. Default: 10 minutes, as on the silos.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long to keep trying when no gateway answers yet (silos still starting). Default: 30 seconds.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

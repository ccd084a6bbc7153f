using System.Globalization;

namespace FocusedQuantization.Silo;

/// <summary>The Redis server a cluster's silos and clients meet at, written redis://HOST:PORT.</summary>
public sealed record ClusterAddress(string Host, int Port)
{
    /// <summary>Redis' usual port, used when the address names none.</summary>
    public const int DefaultPort = 6379;

    /// <summary>Reads redis://HOST:PORT, redis://HOST or HOST:PORT.</summary>
    /// <exception cref="ArgumentException">The text is not such an address; the message shows the expected form.</exception>
    public static ClusterAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rest = text.Trim();
        if (rest.Contains("://", StringComparison.Ordinal))
        {
            if (!rest.StartsWith("redis://", StringComparison.OrdinalIgnoreCase))
                throw Bad(text, "only redis:// clusters are supported");
            rest = rest["redis://".Length..].TrimEnd('/');
        }
        if (rest.Length == 0) throw Bad(text, "the host is missing");
        var colon = rest.LastIndexOf(':');
        if (colon < 0) return new ClusterAddress(rest, DefaultPort);
        var host = rest[..colon];
        if (host.Length == 0) throw Bad(text, "the host is missing");
        if (!int.TryParse(rest[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw Bad(text, "the port must be a number between 1 and 65535");
        return new ClusterAddress(host, port);
    }

    /// <summary>The address in StackExchange.Redis' configuration syntax, HOST:PORT.</summary>
    public string ToRedisConfiguration() => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <inheritdoc />
    public override string ToString() => $"redis://{ToRedisConfiguration()}";

    private static ArgumentException Bad(string text, string why) =>
        new($"--cluster '{text}' is not a cluster address ({why}); write redis://HOST:PORT, e.g. redis://127.0.0.1:6379.", "cluster");
}

using System.Globalization;

namespace FocusedQuantization.Silo.Tests.Support;

/// <summary>A throwaway redis-server on a free loopback port, without persistence; killed on dispose.</summary>
public sealed class RedisServer : IDisposable
{
    public const string Binary = "/usr/bin/redis-server";

    private readonly ChildProcess _process;

    private RedisServer(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The cluster address fq takes: redis://127.0.0.1:PORT.</summary>
    public string Address => $"redis://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static bool IsInstalled => File.Exists(Binary);

    public static async Task<RedisServer> StartAsync(string folder)
    {
        var port = FreePorts.Take(1)[0];
        var process = ChildProcess.Start("redis-server", Binary,
            ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", folder],
            line => line.Contains("Ready to accept connections", StringComparison.Ordinal));
        try
        {
            await process.WaitUntilReadyAsync(TimeSpan.FromSeconds(20));
        }
        catch
        {
            process.Dispose();
            throw;
        }
        return new RedisServer(process, port);
    }

    public void Dispose() => _process.Dispose();
}

using FocusedQuantization.Grains.Interfaces;
using FocusedQuantization.Silo.Tests.Support;

namespace FocusedQuantization.Silo.Tests;

/// <summary>A real cluster: redis-server and two `fq silo` processes, reached by an external client through Redis.</summary>
public sealed class RedisClusterTests : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(60);

    private readonly TempFolder _folder = new();
    private readonly List<IDisposable> _processes = [];
    private FqConnection? _client;

    public async ValueTask DisposeAsync()
    {
        // Killed before the client is disposed, so disposing does not wait on gateways that are still answering.
        foreach (var process in Enumerable.Reverse(_processes)) process.Dispose();
        if (_client is not null)
        {
            try
            {
                await _client.DisposeAsync();
            }
            catch (Exception)
            {
                // The cluster is gone already; nothing left to close cleanly.
            }
        }
        _folder.Dispose();
    }

    [Fact]
    public async Task Calls_reach_both_silo_processes_and_the_cluster_still_answers_after_one_is_killed()
    {
        Assert.SkipUnless(RedisServer.IsInstalled, $"{RedisServer.Binary} is missing: install Debian's redis-server (.ci/run does).");
        var ct = TestContext.Current.CancellationToken;
        var redis = await RedisServer.StartAsync(_folder.Path);
        _processes.Add(redis);
        var ports = FreePorts.Take(4);
        var silos = new[] { StartSilo("silo A", redis, ports[0], ports[1]), StartSilo("silo B", redis, ports[2], ports[3]) };
        await Task.WhenAll(silos.Select(s => s.WaitUntilReadyAsync(StartTimeout)));

        _client = await FqConnection.OpenAsync(new FqConnectionOptions { Cluster = redis.Address }, ct);
        // The client spreads grains over its gateways by key, and a stateless worker runs where its call arrives.
        var answeredBy = new HashSet<int>();
        for (var key = 0; key < 64 && answeredBy.Count < 2; key++)
            answeredBy.Add((await _client.Grains.GetGrain<IClusterInfoGrain>(key).GetSiloInfo()).Address.Endpoint.Port);
        Assert.Equal(new[] { ports[0], ports[2] }.Order(), answeredBy.Order());

        silos[0].KillNow();

        var survivorAnswers = await AnswersAfterLossAsync(count: 10, ct);
        Assert.All(survivorAnswers, port => Assert.Equal(ports[2], port));
    }

    private ChildProcess StartSilo(string name, RedisServer redis, int siloPort, int gatewayPort)
    {
        var state = Directory.CreateDirectory(Path.Combine(_folder.Path, name.Replace(' ', '-'))).FullName;
        var process = FqTool.StartClusterSilo(name, redis, siloPort, gatewayPort, state);
        _processes.Add(process);
        return process;
    }

    /// <summary>
    /// Calls grains of many keys until <paramref name="count"/> calls in a row succeed, and returns which silo port
    /// answered each. Calls routed to the dead gateway fail until the client drops it; those failures are expected.
    /// </summary>
    private async Task<List<int>> AnswersAfterLossAsync(int count, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + RecoveryTimeout;
        var answers = new List<int>();
        Exception? lastError = null;
        for (var key = 1000; answers.Count < count; key++)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The cluster did not answer {count} calls in a row within {RecoveryTimeout.TotalSeconds:F0} s " +
                    $"after a silo was killed; last error: {lastError?.Message}");
            try
            {
                answers.Add((await _client!.Grains.GetGrain<IClusterInfoGrain>(key).GetSiloInfo().WaitAsync(TimeSpan.FromSeconds(5), ct))
                    .Address.Endpoint.Port);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                lastError = ex;
                answers.Clear();
                // Back off briefly so a refused connection does not spin; the client is meanwhile dropping the dead gateway.
                await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            }
        }
        return answers;
    }
}

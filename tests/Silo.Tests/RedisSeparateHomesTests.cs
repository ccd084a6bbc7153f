using System.Diagnostics;
using FocusedQuantization.Compression.Data;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Specs;
using FocusedQuantization.Grains.Sweeps;
using FocusedQuantization.Silo.Tests.Support;

namespace FocusedQuantization.Silo.Tests;

/// <summary>
/// Two `fq silo` processes on a real Redis cluster, each with a state folder of its own (as on two machines with no
/// shared filesystem), and only one with the data set: a sweep runs to the end, the checkpoints and the data set crossing
/// from one silo to the other through the cluster.
/// </summary>
public sealed class RedisSeparateHomesTests : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan CompletionTimeout = TimeSpan.FromMinutes(5);

    private const string SpecYaml = """
        name: redis-homes
        model: lenet-300-100
        dataset: fashion-mnist
        seed: 5
        concurrency: 2
        training: { baseline_epochs: 1, prune_epochs: 1, train_limit: 1000, test_limit: 300 }
        space:
          sparsity: [0.7, 0.9]
          bits: [4]
          schedule_scale: 0.2
        """;

    private readonly TempFolder _folder = new();
    private readonly List<ChildProcess> _silos = [];
    private RedisServer? _redis;
    private FqConnection? _client;

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos) silo.Dispose();
        _redis?.Dispose();
        if (_client is not null)
        {
            try
            {
                await _client.DisposeAsync();
            }
            catch (Exception)
            {
                // The cluster is gone already.
            }
        }
        _folder.Dispose();
    }

    [Fact]
    public async Task A_sweep_runs_to_the_end_on_two_silo_processes_that_share_no_folder()
    {
        Assert.SkipUnless(RedisServer.IsInstalled, $"{RedisServer.Binary} is missing: install Debian's redis-server (.ci/run does).");
        var ct = TestContext.Current.CancellationToken;
        var clock = Stopwatch.StartNew();
        _redis = await RedisServer.StartAsync(_folder.Path);
        var stateA = Directory.CreateDirectory(Path.Combine(_folder.Path, "machine-a")).FullName;
        var stateB = Directory.CreateDirectory(Path.Combine(_folder.Path, "machine-b")).FullName;
        var ports = FreePorts.Take(4);
        StartSilo("silo A", ports[0], ports[1], stateA, machineDatasets: true);
        StartSilo("silo B", ports[2], ports[3], stateB, machineDatasets: false);
        await Task.WhenAll(_silos.Select(s => s.WaitUntilReadyAsync(StartTimeout)));
        _client = await FqConnection.OpenAsync(new FqConnectionOptions { Cluster = _redis.Address }, ct);
        var hosts = await _client.Grains.GetGrain<IManagementGrain>(0).GetHosts(true, ct);
        var a = hosts.Keys.Single(s => s.Endpoint.Port == ports[0]);
        var b = hosts.Keys.Single(s => s.Endpoint.Port == ports[2]);

        // The baseline is trained on A (its model grain placed there); the first trial runs on B, which has neither the
        // baseline nor the data set, the second on A.
        const string sweepId = "redis-homes";
        var spec = SweepSpecLoader.Parse(SpecYaml, "test.yaml");
        var config = SweepPlan.Expand(spec)[0];
        var baseline = new BaselineRequest(config.Model, config.Dataset, config.Seed, config.Training);
        await PlacementHint.On(a, () => _client.Grains.GetGrain<IModelGrain>(Keys.Of(baseline)).BaselineAsync(baseline, ct));
        await PlacementHint.On(b, () => _client.Grains.GetGrain<ITrialGrain>($"{sweepId}/0000").GetState());
        await PlacementHint.On(a, () => _client.Grains.GetGrain<ITrialGrain>($"{sweepId}/0001").GetState());
        var sweep = _client.Grains.GetGrain<ISweepGrain>(sweepId);
        await sweep.Launch(spec);

        SweepStatus? final = null;
        while (clock.Elapsed < CompletionTimeout && final is null)
        {
            var status = await sweep.GetStatus();
            if (status.State != SweepState.Running) final = status;
            else await Task.Delay(500, ct);
        }
        var output = string.Join("\n", _silos.Select(s => $"--- {s.Name} ---\n{s.Output}"));
        Assert.True(final is not null, $"The sweep did not finish in {CompletionTimeout}.\n{output}");
        var rows = await sweep.AllTrialsAsync(cancellationToken: ct);
        var trials = string.Join("\n", rows.Select(t => $"{t.TrialId}: {t.State} on {t.Silo} {t.Error}"));
        Assert.True(final.State == SweepState.Completed, $"The sweep ended {final.State}:\n{trials}\n{output}");
        Assert.All(rows, t => Assert.True(t.State == TrialState.Completed && t.Summary!.CompressionRatio > 1, trials));
        Assert.Equal(b.ToString(), rows.Single(t => t.TrialId == $"{sweepId}/0000").Silo);

        // B trained nothing of the baseline family yet holds the baseline, and it reads the data set from its own folder,
        // which only a fetch from A can have filled: nothing was shared but Redis and the silos.
        var baselineManifests = Directory.GetFiles(Path.Combine(stateB, "checkpoints"), "baseline-*.json").Where(f => !Path.GetFileName(f).Contains(".eval-") && !Path.GetFileName(f).Contains(".val-")).ToArray();
        Assert.NotEmpty(baselineManifests);
        var fetched = Path.Combine(stateB, "datasets", "fashion-mnist");
        Assert.All(DatasetDescriptor.FashionMnist.Files, f => Assert.NotNull(DatasetCatalog.FilePath(fetched, f)));
        Assert.False(Directory.Exists(Path.Combine(stateA, "datasets")));
        TestContext.Current.SendDiagnosticMessage($"sweep over two silos with separate homes completed in {clock.Elapsed.TotalSeconds:F0} s\n{trials}");
    }

    private void StartSilo(string name, int siloPort, int gatewayPort, string state, bool machineDatasets)
    {
        var environment = new Dictionary<string, string?> { ["FQ_MACHINE_DATASETS"] = machineDatasets ? "1" : "0" };
        _silos.Add(FqTool.StartClusterSilo(name, _redis!, siloPort, gatewayPort, state, environment));
    }

}

using System.Diagnostics;
using System.Globalization;
using FocusedQuantization.Grains.Interfaces;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Specs;
using FocusedQuantization.Grains.Sweeps;
using FocusedQuantization.Silo.Tests.Support;

namespace FocusedQuantization.Silo.Tests;

/// <summary>
/// A sweep on a real Redis cluster of two `fq silo` processes survives one of them being killed (kill -9) while it runs
/// a trial, or the whole cluster being killed and restarted: the sweep finishes by itself, every trial exactly once.
/// </summary>
public sealed class RedisSweepTests : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan RunningTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CompletionTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan PollPeriod = TimeSpan.FromMilliseconds(250);

    private const string SpecYaml = """
        name: redis-sweep
        model: lenet-300-100
        dataset: fashion-mnist
        concurrency: 2
        training: { baseline_epochs: 1, prune_epochs: 1, train_limit: 1000, test_limit: 300 }
        space:
          sparsity: [0.6, 0.7, 0.8, 0.9]
          bits: [4]
          schedule_scale: 0.2
        """;

    // An adaptive sweep with early stopping: schedule_scale 0.4 is 8 fine-tuning epochs, and eta 3 puts the rungs at
    // epochs 1, 3 and 8. Startup 2: MOTPE's model picks trials 2..5 from the outcomes it knows (lag 2).
    private const string AdaptiveSpecYaml = """
        name: redis-adaptive
        model: lenet-300-100
        dataset: fashion-mnist
        concurrency: 2
        strategy: { kind: motpe, budget: 6, lag: 2, startup: 2, seed: 3 }
        early_stopping: { eta: 3 }
        training: { baseline_epochs: 1, prune_epochs: 1, train_limit: 1000, test_limit: 300 }
        space:
          sparsity: { low: 0.6, high: 0.95 }
          bits: { low: 3, high: 5 }
          schedule_scale: 0.4
        """;

    private readonly TempFolder _folder = new();
    private readonly List<ChildProcess> _silos = [];
    private RedisServer? _redis;
    private readonly List<FqConnection> _clients = [];
    private FqConnection? _client;

    public async ValueTask DisposeAsync()
    {
        // Killed before the client is disposed, so disposing does not wait on gateways that still answer.
        foreach (var silo in _silos) silo.Dispose();
        _redis?.Dispose();
        foreach (var client in _clients)
        {
            try
            {
                await client.DisposeAsync();
            }
            catch (Exception)
            {
                // The cluster is gone already; nothing left to close cleanly.
            }
        }
        _folder.Dispose();
    }

    [Fact]
    public async Task A_sweep_finishes_every_trial_exactly_once_after_the_silo_running_a_trial_is_killed()
    {
        Assert.SkipUnless(RedisServer.IsInstalled, $"{RedisServer.Binary} is missing: install Debian's redis-server (.ci/run does).");
        var ct = TestContext.Current.CancellationToken;
        var clock = Stopwatch.StartNew();
        // One state folder for both, as machines of a cluster share FQ_HOME: checkpoints written by one are read by the other.
        var state = Directory.CreateDirectory(Path.Combine(_folder.Path, "state")).FullName;
        var (survivor, victim, _, victimProcess, management, grains) = await StartClusterAsync(state, state, ct);
        var started = clock.Elapsed;

        // Deterministic roles, set with placement hints (they only choose where an activation starts): the sweep grain
        // lives on the survivor, so its timer keeps driving (the reminder path is the slow one); the first trial runs on
        // the victim, the second on the survivor; the model grain that trains the shared baseline is on the victim, so
        // the survivor's trial loses a grain it waits on and must carry on rather than fail.
        const string sweepId = "redis-sweep";
        var spec = SweepSpecLoader.Parse(SpecYaml, "test.yaml");
        await PlacementHint.On(victim, () => grains.GetGrain<ITrialGrain>($"{sweepId}/0000").GetState());
        await PlacementHint.On(survivor, () => grains.GetGrain<ITrialGrain>($"{sweepId}/0001").GetState());
        var config = SweepPlan.Expand(spec)[0];
        var baseline = new BaselineRequest(config.Model, config.Dataset, config.Seed, config.Training);
        // Not awaited: the call dies with the victim; the trials ask for the same baseline and share this work.
        var model = grains.GetGrain<IModelGrain>(Keys.Of(baseline));
        await PlacementHint.On(victim, () => model.EnsureBaseline(baseline));
        var sweep = grains.GetGrain<ISweepGrain>(sweepId);
        await PlacementHint.On(survivor, () => sweep.Launch(spec));
        Assert.Equal(survivor, await management.GetActivationAddress(sweep, ct));
        Assert.Equal(victim, await management.GetActivationAddress(model, ct));

        var running = await PollAsync(sweep, s => s.Running.Any(t => t.Silo == victim.ToString()),
            RunningTimeout, "a trial running on the victim silo", ct);
        victimProcess.KillNow();
        var killedAt = DateTimeOffset.UtcNow;
        var killedAfter = clock.Elapsed;
        var interrupted = running.Running.Where(t => t.Silo == victim.ToString()).Select(t => t.TrialId).ToArray();

        var final = await PollAsync(sweep, s => s.State != SweepState.Running, CompletionTimeout, "the sweep to finish", ct);
        var total = clock.Elapsed;
        var trials = await sweep.AllTrialsAsync(cancellationToken: ct);

        Assert.True(final.State == SweepState.Completed, $"The sweep ended {final.State}:\n{Describe(trials)}");
        Assert.Equal(4, trials.Count);
        Assert.Equal(4, trials.Select(t => t.TrialId).Distinct().Count());
        Assert.All(trials, t => Assert.True(t.State == TrialState.Completed && t.Summary!.CompressionRatio > 1, Describe(trials)));
        // The trials cut short on the victim, and every trial that finished after the kill, finished on the survivor.
        Assert.All(trials.Where(t => interrupted.Contains(t.TrialId) || t.FinishedAt > killedAt),
            t => Assert.Equal(survivor.ToString(), t.Silo));
        TestContext.Current.SendDiagnosticMessage(
            $"cluster up in {started.TotalSeconds:F0} s, victim killed at {killedAfter.TotalSeconds:F0} s while it ran " +
            $"{string.Join(", ", interrupted)}, sweep completed at {total.TotalSeconds:F0} s\n{Describe(trials)}");
    }

    [Fact]
    public async Task A_sweep_goes_on_by_itself_when_the_whole_cluster_is_killed_and_restarted_on_the_same_redis_and_state()
    {
        Assert.SkipUnless(RedisServer.IsInstalled, $"{RedisServer.Binary} is missing: install Debian's redis-server (.ci/run does).");
        var ct = TestContext.Current.CancellationToken;
        var clock = Stopwatch.StartNew();
        _redis = await RedisServer.StartAsync(_folder.Path);
        var state = Directory.CreateDirectory(Path.Combine(_folder.Path, "state")).FullName;
        var ports = FreePorts.Take(4);
        var first = new[] { StartSilo("silo A", ports[0], ports[1], state), StartSilo("silo B", ports[2], ports[3], state) };
        await Task.WhenAll(first.Select(s => s.WaitUntilReadyAsync(StartTimeout)));
        _client = await ConnectAsync(ct);
        const string sweepId = "redis-restart";
        var sweep = _client.Grains.GetGrain<ISweepGrain>(sweepId);
        await sweep.Launch(SweepSpecLoader.Parse(SpecYaml, "test.yaml"));

        await PollAsync(sweep, s => s.Counts.Completed > 0, RunningTimeout, "a first trial to complete", ct);
        var beforeCrash = await sweep.AllTrialsAsync(cancellationToken: ct);
        foreach (var silo in first) silo.KillNow();
        var crashedAfter = clock.Elapsed;
        var doneBefore = beforeCrash.Where(t => t.State == TrialState.Completed).ToArray();
        Assert.True(doneBefore.Length < 4, $"Every trial finished before the crash; nothing is left to resume:\n{Describe(beforeCrash)}");

        // Same ports: each new silo supersedes its dead predecessor in the membership table at once.
        var second = new[] { StartSilo("silo A again", ports[0], ports[1], state), StartSilo("silo B again", ports[2], ports[3], state) };
        await Task.WhenAll(second.Select(s => s.WaitUntilReadyAsync(StartTimeout)));
        var restartedAfter = clock.Elapsed;
        _client = await ConnectAsync(ct);
        // Watch the registry, not the sweep: a call to the sweep would activate it, and the point is that its reminder does.
        var registry = _client.Grains.GetGrain<ISweepRegistryGrain>(0);
        await PollUntilAsync(async () => (await registry.List()).Any(s => s.SweepId == sweepId && s.State != SweepState.Running),
            CompletionTimeout, "the sweep to finish after the restart", () => Describe(sweep), ct);
        var final = await _client.Grains.GetGrain<ISweepGrain>(sweepId).GetStatus();
        var trials = await _client.Grains.GetGrain<ISweepGrain>(sweepId).AllTrialsAsync(cancellationToken: ct);
        var total = clock.Elapsed;

        Assert.True(final.State == SweepState.Completed, $"The sweep ended {final.State}:\n{Describe(trials)}");
        Assert.Equal(4, trials.Count);
        Assert.Equal(4, trials.Select(t => t.TrialId).Distinct().Count());
        Assert.All(trials, t => Assert.True(t.State == TrialState.Completed && t.Summary!.CompressionRatio > 1, Describe(trials)));
        // What finished before the crash was kept as it was, not run again.
        Assert.All(doneBefore, before =>
        {
            var after = trials.Single(t => t.TrialId == before.TrialId);
            Assert.Equal((before.FinishedAt, before.Silo, before.Summary!.CompressionRatio), (after.FinishedAt, after.Silo, after.Summary!.CompressionRatio));
        });
        TestContext.Current.SendDiagnosticMessage(
            $"cluster killed at {crashedAfter.TotalSeconds:F0} s with {doneBefore.Length} trial(s) done, restarted at " +
            $"{restartedAfter.TotalSeconds:F0} s, sweep completed at {total.TotalSeconds:F0} s\n{Describe(trials)}");
    }

    [Fact]
    public async Task An_adaptive_early_stopping_sweep_survives_the_kill_of_the_silo_holding_it_and_a_paused_trial_and_decides_as_an_uninterrupted_run()
    {
        Assert.SkipUnless(RedisServer.IsInstalled, $"{RedisServer.Binary} is missing: install Debian's redis-server (.ci/run does).");
        var ct = TestContext.Current.CancellationToken;
        var clock = Stopwatch.StartNew();
        // A state folder each, as on two machines with no shared disk: the paused checkpoint the victim saves dies with it.
        var survivorState = Directory.CreateDirectory(Path.Combine(_folder.Path, "machine-a")).FullName;
        var victimState = Directory.CreateDirectory(Path.Combine(_folder.Path, "machine-b")).FullName;
        var (survivor, victim, survivorProcess, victimProcess, management, grains) = await StartClusterAsync(survivorState, victimState, ct);

        // The sweep grain and trials 0 and 2 on the victim, 1 and 3 on the survivor. Trial 2 starts once trial 0 has
        // settled (lag 2). Killed once trial 2 has paused at a rung and gone on: the sweep comes back on the survivor with
        // no budgets and no configs in memory, so it decides trial 2's config again with trial 0 (inside its lag) known
        // only by its row, and trial 2 comes back with a paused state whose checkpoint no live silo holds.
        const string sweepId = "redis-adaptive";
        var spec = SweepSpecLoader.Parse(AdaptiveSpecYaml, "test.yaml");
        var placements = new[] { victim, survivor, victim, survivor };
        for (var i = 0; i < placements.Length; i++)
        {
            var trial = grains.GetGrain<ITrialGrain>(Keys.Trial(sweepId, i));
            await PlacementHint.On(placements[i], () => trial.GetState());
        }
        var sweep = grains.GetGrain<ISweepGrain>(sweepId);
        await PlacementHint.On(victim, () => sweep.Launch(spec));
        Assert.Equal(victim, await management.GetActivationAddress(sweep, ct));
        var trial2 = grains.GetGrain<ITrialGrain>(Keys.Trial(sweepId, 2));
        Assert.Equal(victim, await management.GetActivationAddress(trial2, ct));

        // The pause is in GetResult before the trial's state is written, but the trial runs again only once the sweep
        // heard of the pause, which the trial reports after the write: both seen, in this order, the paused state is
        // stored. A trial 2 stopped at its first rung (the sweep's last word on it) is also a moment to kill.
        var goneOn = false;
        await PollUntilAsync(async () =>
        {
            if ((await trial2.GetResult())?.PausedAtEpoch is null) return false;
            goneOn = await trial2.GetState() == TrialState.Running;
            return goneOn || (await sweep.GetTrials(2, 1)).Trials[0].State == TrialState.Stopped;
        }, RunningTimeout, "trial 2 to pause at a rung", () => Describe(sweep), ct);
        victimProcess.KillNow();
        var killedAfter = clock.Elapsed;

        var final = await PollAsync(sweep, s => s.State != SweepState.Running, CompletionTimeout, "the sweep to finish", ct);
        var trials = await sweep.AllTrialsAsync(cancellationToken: ct);
        var front = await sweep.GetPareto(null);
        var interruptedDone = clock.Elapsed;

        Assert.True(final.State == SweepState.Completed, $"The sweep ended {final.State}:\n{Describe(trials)}");
        Assert.Equal(6, trials.Count);
        Assert.Equal(6, trials.Select(t => t.TrialId).Distinct().Count());
        Assert.All(trials, t => Assert.True(t.State is TrialState.Completed or TrialState.Stopped, Describe(trials)));
        var stopped = trials.Where(t => t.State == TrialState.Stopped).ToArray();
        Assert.Equal((trials.Count - stopped.Length, stopped.Length), (final.Counts.Completed, final.Counts.Stopped));
        Assert.All(trials, t =>
        {
            Assert.True(t.Config!.Parameters is { Count: > 0 }, $"{t.TrialId} has no sampler point");
            Assert.True(t.Config.TargetSparsity is >= 0.6 and <= 0.95 && t.Config.Bits is >= 3 and <= 5, $"{t.TrialId}: outside the space\n{Describe(trials)}");
        });
        // A completed trial has every rung; a stopped one trained to a rung short of the end and says why it stopped.
        // Each failure message carries every trial's row: a rare failure here must say which trial and why.
        Assert.All(trials.Where(t => t.State == TrialState.Completed), t =>
            Assert.True(t.Summary!.Rungs.Select(r => r.Epoch).SequenceEqual([1, 3, 8]), $"{t.TrialId}: rungs at {string.Join(", ", t.Summary.Rungs.Select(r => r.Epoch))}\n{Describe(trials)}"));
        Assert.All(stopped, t =>
        {
            Assert.True(t.Summary!.EpochsRun is 1 or 3, $"{t.TrialId}: stopped after {t.Summary.EpochsRun} epochs\n{Describe(trials)}");
            Assert.True(t.StopReason?.StartsWith("stopped at rung ", StringComparison.Ordinal) == true, $"{t.TrialId}: {t.StopReason}\n{Describe(trials)}");
        });
        Assert.NotEmpty(front.Front);
        Assert.All(front.Front, t => Assert.Equal(TrialState.Completed, t.State));
        if (goneOn)
        {
            // Trial 2's paused checkpoint was on the victim only: the survivor could not fetch it and fine-tuned again
            // from the pruned one.
            Assert.Equal(survivor.ToString(), trials[2].Silo);
            Assert.Contains($"{sweepId}/0002, quantize: cannot resume trial from paused-", survivorProcess.Output, StringComparison.Ordinal);
        }

        // The same spec again, uninterrupted, on the survivor (its baseline, pruned checkpoint and layer searches are
        // there already; only fine-tuning runs again): every config, rung decision and figure is the same, so the sweep
        // decided again as it had, and restarting trial 2 from its pruned checkpoint gave what resuming it would have.
        var again = grains.GetGrain<ISweepGrain>(sweepId + "-again");
        await again.Launch(spec);
        await PollAsync(again, s => s.State != SweepState.Running, CompletionTimeout, "the uninterrupted sweep to finish", ct);
        var reference = await again.AllTrialsAsync(cancellationToken: ct);
        Assert.Equal(reference.Select(Decisions), trials.Select(Decisions));
        TestContext.Current.SendDiagnosticMessage(
            $"victim killed at {killedAfter.TotalSeconds:F0} s (trial 2 {(goneOn ? "gone on from a rung" : "stopped")}), interrupted sweep completed at {interruptedDone.TotalSeconds:F0} s, " +
            $"uninterrupted one at {clock.Elapsed.TotalSeconds:F0} s\n{Describe(trials)}");
    }

    private async Task<FqConnection> ConnectAsync(CancellationToken ct)
    {
        var client = await FqConnection.OpenAsync(new FqConnectionOptions { Cluster = _redis!.Address }, ct);
        _clients.Add(client);
        return client;
    }

    /// <summary>Redis, then silo A and silo B (each on its own state folder), both ready, and a client connected to them.</summary>
    /// <summary>A two-silo cluster for the kill tests: silo A survives, silo B is the one the test kills.</summary>
    private sealed record SurvivorAndVictim(SiloAddress Survivor, SiloAddress Victim, ChildProcess SurvivorProcess,
        ChildProcess VictimProcess, IManagementGrain Management, IGrainFactory Grains);

    private async Task<SurvivorAndVictim> StartClusterAsync(string survivorState, string victimState, CancellationToken ct)
    {
        _redis = await RedisServer.StartAsync(_folder.Path);
        var ports = FreePorts.Take(4);
        var a = StartSilo("silo A", ports[0], ports[1], survivorState);
        var b = StartSilo("silo B", ports[2], ports[3], victimState);
        await Task.WhenAll(_silos.Select(s => s.WaitUntilReadyAsync(StartTimeout)));
        _client = await ConnectAsync(ct);
        var management = _client.Grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetHosts(true, ct);
        return new SurvivorAndVictim(hosts.Keys.Single(h => h.Endpoint.Port == ports[0]),
            hosts.Keys.Single(h => h.Endpoint.Port == ports[2]), a, b, management, _client.Grains);
    }

    private ChildProcess StartSilo(string name, int siloPort, int gatewayPort, string state)
    {
        var process = FqTool.StartClusterSilo(name, _redis!, siloPort, gatewayPort, state);
        _silos.Add(process);
        return process;
    }

    /// <summary>Polls the sweep's status until <paramref name="done"/> holds; see <see cref="PollUntilAsync"/>.</summary>
    private async Task<SweepStatus> PollAsync(ISweepGrain sweep, Func<SweepStatus, bool> done, TimeSpan timeout, string what,
        CancellationToken ct)
    {
        SweepStatus? last = null;
        await PollUntilAsync(async () => done(last = await sweep.GetStatus()), timeout, what,
            () => Task.FromResult(last is null ? "(none)" : Describe(last)), ct);
        return last!;
    }

    /// <summary>
    /// Asks <paramref name="done"/> every 250 ms until it says yes. Calls routed to a killed gateway fail until the client
    /// drops it; those are retried. On timeout the message gives <paramref name="describe"/> and the silos' output.
    /// </summary>
    private async Task PollUntilAsync(Func<Task<bool>> done, TimeSpan timeout, string what, Func<Task<string>> describe,
        CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        Exception? lastError = null;
        while (deadline.Elapsed < timeout)
        {
            try
            {
                if (await done().WaitAsync(TimeSpan.FromSeconds(5), ct)) return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                lastError = ex;
            }
            await Task.Delay(PollPeriod, ct);
        }
        string state;
        try
        {
            state = await describe().WaitAsync(TimeSpan.FromSeconds(5), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            state = $"(unavailable: {ex.Message})";
        }
        throw new TimeoutException($"Waited {timeout.TotalSeconds:F0} s for {what}. Last status:\n{state}\nLast error: {lastError?.Message}\n" +
            string.Join("\n", _silos.Select(s => $"--- {s.Name} ---\n{s.Output}")));
    }

    private static async Task<string> Describe(ISweepGrain sweep) => $"sweep {(await sweep.GetStatus()).State}\n" + Describe(await sweep.AllTrialsAsync());

    private static string Describe(SweepStatus status) =>
        $"sweep {status.State}, {status.Counts.Finished}/{status.Counts.Total} finished\n" + Describe(status.Running);

    /// <summary>What the sampler and early stopping decided for a trial, and the figures they decided on.</summary>
    private static string Decisions(TrialStatus trial) => System.Text.Json.JsonSerializer.Serialize(new
    {
        trial.Index,
        trial.State,
        trial.StopReason,
        trial.Config,
        trial.Summary?.EpochsRun,
        Rungs = trial.Summary?.Rungs.Select(r => new { r.Epoch, r.ValidationTop1 }).ToArray(),
        trial.Summary?.CompressionRatio,
        trial.Summary?.ValidationTop1,
    }, DecisionJson);

    // A stopped trial's final figures are NaN.
    private static readonly System.Text.Json.JsonSerializerOptions DecisionJson =
        new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static string Describe(IReadOnlyList<TrialStatus> trials) =>
        string.Join("\n", trials.Select(t =>
            $"  {t.TrialId}: {t.State} on {t.Silo ?? "?"} stage {t.Stage ?? "-"} cr {t.Summary?.CompressionRatio.ToString("F2", CultureInfo.InvariantCulture) ?? "-"} " +
            $"epochs {t.Summary?.EpochsRun.ToString(CultureInfo.InvariantCulture) ?? "-"} error {t.Error ?? "-"} {t.StopReason}"));
}

using System.Collections.Concurrent;
using FocusedQuantization.Grains.Execution;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Grains.Testing;
using FocusedQuantization.Grains.Tracking;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using Orleans.TestingHost;

namespace FocusedQuantization.Grains.Tests.Orchestration;

/// <summary>
/// A two-silo cluster whose stages are <see cref="SyntheticStageRunner"/>'s (no torch): the grains' orchestration alone.
/// The default grain storage counts the bytes each state write carries, and a call filter can drop the one-way
/// TrialFinished reports of chosen trials (a lost message).
/// </summary>
public sealed class FakeClusterFixture : IAsyncLifetime
{
    public string Home { get; } = Directory.CreateTempSubdirectory("fq-fake-").FullName;

    public SyntheticStageRunner Runner { get; } = new(TimeSpan.Zero, layers: 3);

    public WriteLog Writes { get; } = new();

    public LostReports Lost { get; } = new();

    public DelayedReports Delayed { get; } = new();

    /// <summary>Every rung decision the sweeps told the tracker.</summary>
    public RungLog Rungs { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 2);
        builder.ConfigureHost(host =>
        {
            host.Services.AddSingleton<IStageRunner>(Runner);
            host.Services.AddSingleton<ISweepTracking>(Rungs);
            host.Services.AddFqGrains(o =>
            {
                o.Home = Home;
                o.Workers = 2;
            });
        });
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage("inner").UseInMemoryReminderService().Services.UseOrleansStateSerializer();
            silo.Services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (services, _) =>
                new CountingStorage(services.GetRequiredKeyedService<IGrainStorage>("inner"), services.GetRequiredService<IGrainStorageSerializer>(), Writes));
            silo.AddIncomingGrainCallFilter(async context =>
            {
                if (context.InterfaceMethod?.Name == nameof(ISweepGrain.TrialFinished) && context.Request.GetArgumentCount() == 1
                    && context.Request.GetArgument(0) is TrialOutcome outcome && Lost.ShouldDrop(outcome.TrialId))
                    return;
                await context.Invoke();
            });
            // Held on the trial's side, as a slow state write or tracker would hold it: the sweep's tick asks first.
            silo.AddOutgoingGrainCallFilter(async context =>
            {
                if (context.InterfaceMethod?.Name == nameof(ISweepGrain.TrialFinished) && context.Request.GetArgumentCount() == 1
                    && context.Request.GetArgument(0) is TrialOutcome { State: TrialState.Stopped } outcome && Delayed.For(outcome.TrialId) is { } delay)
                    await Task.Delay(delay);
                await context.Invoke();
            });
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Every state write: which grain, which state, how many bytes.</summary>
    public sealed class WriteLog
    {
        private readonly ConcurrentQueue<(GrainId Grain, string State, int Bytes)> _writes = new();

        public void Add(GrainId grain, string state, int bytes) => _writes.Enqueue((grain, state, bytes));

        public IReadOnlyList<(GrainId Grain, string State, int Bytes)> Of(GrainId grain) => _writes.Where(w => w.Grain == grain).ToArray();
    }

    /// <summary>Sweep tracking that keeps the rung decisions (fq.rung, fq.stop_reason, fq.promoted) and drops the rest.</summary>
    public sealed class RungLog : ISweepTracking
    {
        private readonly ConcurrentQueue<(string TrialId, int Rung, string? StopReason, string? Promotion)> _rungs = new();

        /// <summary>A trial's rung decisions, in the order they were told.</summary>
        public IReadOnlyList<(int Rung, string? StopReason, string? Promotion)> Of(string trialId) =>
            [.. _rungs.Where(r => r.TrialId == trialId).Select(r => (r.Rung, r.StopReason, r.Promotion))];

        public Task TrialRung(string sweepId, SweepSpec spec, string trialId, int rung, string? stopReason, string? promotion)
        {
            _rungs.Enqueue((trialId, rung, stopReason, promotion));
            return Task.CompletedTask;
        }

        public Task SweepLaunched(string sweepId, SweepSpec spec, DateTimeOffset createdAt) => Task.CompletedTask;

        public Task ParetoChanged(string sweepId, SweepSpec spec, IReadOnlyList<KeyValuePair<string, bool>> changes) => Task.CompletedTask;

        public Task SweepEnded(string sweepId, SweepSpec spec, SweepState state, DateTimeOffset? finishedAt, TrialCounts counts, double hypervolume,
            IReadOnlyList<string> cutShort) => Task.CompletedTask;
    }

    /// <summary>Trials whose next TrialFinished report is dropped, and how many were.</summary>
    public sealed class LostReports
    {
        private readonly ConcurrentDictionary<string, int> _toDrop = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, int> _dropped = new(StringComparer.Ordinal);

        public void DropNext(string trialId) => _toDrop[trialId] = 1;

        public int Dropped(string trialId) => _dropped.GetValueOrDefault(trialId);

        public bool ShouldDrop(string trialId)
        {
            if (!_toDrop.TryRemove(trialId, out _)) return false;
            _dropped.AddOrUpdate(trialId, 1, (_, n) => n + 1);
            return true;
        }
    }

    /// <summary>Sweeps whose trials' reports of a pause (Stopped) are sent late.</summary>
    public sealed class DelayedReports
    {
        private readonly ConcurrentDictionary<string, TimeSpan> _bySweep = new(StringComparer.Ordinal);

        public void DelayPauses(string sweepId, TimeSpan delay) => _bySweep[sweepId] = delay;

        public TimeSpan? For(string trialId) => trialId.LastIndexOf('/') is var slash and > 0 && _bySweep.TryGetValue(trialId[..slash], out var delay) ? delay : null;
    }

    /// <summary>Forwards to the real storage, counting the serialized bytes of every write.</summary>
    private sealed class CountingStorage(IGrainStorage inner, IGrainStorageSerializer serializer, WriteLog log) : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            log.Add(grainId, stateName, serializer.Serialize(grainState.State).ToArray().Length);
            return inner.WriteStateAsync(stateName, grainId, grainState);
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
    }
}

[CollectionDefinition(Name)]
public sealed class FakeClusterCollection : ICollectionFixture<FakeClusterFixture>
{
    public const string Name = "fake stage cluster";
}

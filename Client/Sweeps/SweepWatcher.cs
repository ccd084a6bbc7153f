using System.Diagnostics;
using FocusedQuantization.Client.Rendering;
using System.Globalization;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace FocusedQuantization.Client.Sweeps;

/// <summary>
/// Follows a sweep until it ends from the changes it pushes (<see cref="ISweepGrain.Watch"/>): a live view on a
/// terminal (a row per running trial with its stage, the front and the latest completed trials), a line per change
/// otherwise. A dropped connection (a silo gone, the grain moved) is picked up again from the last version seen, so no
/// change it would show is missed.
/// </summary>
public static class SweepWatcher
{
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RedrawEvery = TimeSpan.FromMilliseconds(100);

    public static async Task<SweepStatus> WatchAsync(ISweepGrain sweep, CancellationToken cancellationToken)
    {
        var view = new SweepView();
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsOutputRedirected)
        {
            await FollowAsync(sweep, view, trial =>
            {
                if (view.LineChanged(trial) is { } line) Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {trial.TrialId} {line}");
            }, () => { }, cancellationToken);
            return await sweep.GetStatus();
        }

        var status = await sweep.GetStatus();
        await AnsiConsole.Live(new Markup(Markup.Escape($"{status.Spec.Name} ({status.SweepId}): connecting"))).AutoClear(false).StartAsync(async context =>
        {
            var drawn = Stopwatch.StartNew();
            await FollowAsync(sweep, view, _ => { }, () =>
            {
                if (drawn.Elapsed < RedrawEvery) return;
                context.UpdateTarget(Render(view));
                drawn.Restart();
            }, cancellationToken);
            context.UpdateTarget(Render(view));
        });
        return await sweep.GetStatus();
    }

    /// <summary>Applies every update to <paramref name="view"/> until the sweep ends, reconnecting after a dropped stream.</summary>
    private static async Task FollowAsync(ISweepGrain sweep, SweepView view, Action<TrialStatus> changed, Action updated, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await foreach (var update in sweep.Watch(view.Version, cancellationToken).WithCancellation(cancellationToken))
                {
                    foreach (var trial in view.Apply(update)) changed(trial);
                    updated();
                }
                if (view.State != SweepState.Running) return;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // The stream broke (its silo died, the grain deactivated, the idle stream was reaped): go on from the
                // last version applied; a sweep that does not exist fails the next GetStatus.
                if (view.Version < 0) await sweep.GetStatus();
            }
            await Task.Delay(Reconnect, cancellationToken);
        }
    }

    private static IRenderable Render(SweepView view)
    {
        if (view.Status is not { } status) return new Markup("connecting");
        var done = view.Counts.Finished;
        var header = new Markup($"[bold]{Markup.Escape(status.Spec.Name)}[/] ({Markup.Escape(status.SweepId)}): {view.State.ToString().ToLowerInvariant()}, {done}/{view.Counts.Total} trials done");
        var running = new Table().Title("running").AddColumns("trial", "silo", "stage", "progress");
        foreach (var trial in view.Running)
        {
            var width = 20;
            var filled = (int)Math.Round(Math.Clamp(trial.StageFraction, 0, 1) * width);
            running.AddRow(Markup.Escape(trial.TrialId), Markup.Escape(trial.Silo ?? "-"),
                Markup.Escape((trial.Stage ?? "starting") + (trial.ResumedLateFrom is null ? "" : " (resumed late)")),
                $"[green]{new string('━', filled)}[/][grey]{new string('━', width - filled)}[/] {trial.StageFraction:P0}");
        }
        var frontIds = view.Front.Select(t => t.TrialId).ToHashSet();
        var shown = view.Front.Concat(view.Recent.Where(t => !frontIds.Contains(t.TrialId))).Where(t => t is { State: TrialState.Completed, Summary: not null })
            .OrderByDescending(t => t.Summary!.SelectionTop1).ToArray();
        // Early stopping: a column for how each went past its rungs, only when some did.
        var rungs = shown.Any(t => t.Promotion is not null);
        var completed = new Table().Title("completed (the front and the latest)")
            .AddColumns(["trial", "bits", "sparsity", "CR", "val top-1 %", "test top-1 %", .. rungs ? new[] { "rungs" } : [], "front"]);
        foreach (var trial in shown)
        {
            var r = trial.Summary!;
            completed.AddRow([Markup.Escape(trial.TrialId), Markup.Escape(TrialText.Bits(trial.Config)), r.Sparsity.ToString("P1", CultureInfo.InvariantCulture),
                r.CompressionRatio.ToString("F2", CultureInfo.InvariantCulture) + "x", r.SelectionTop1.ToString("F2", CultureInfo.InvariantCulture),
                r.Top1.ToString("F2", CultureInfo.InvariantCulture), .. rungs ? new[] { Markup.Escape(trial.Promotion ?? "") } : [],
                frontIds.Contains(trial.TrialId) ? "[yellow]★[/]" : ""]);
        }
        var failed = view.Failures.Select(t => new Markup($"[red]{Markup.Escape(t.TrialId)} failed: {Markup.Escape(t.Error ?? "?")}[/]"));
        var stopped = view.Counts.Stopped > 0 ? new Markup($"[grey]{view.Counts.Stopped} stopped early (fq sweep status lists why)[/]") : null;
        return new Rows([header, running, completed, .. failed, .. stopped is null ? Array.Empty<IRenderable>() : [stopped]]);
    }

    /// <summary>What the watcher knows of the sweep, built from its updates; bounded whatever the sweep's size.</summary>
    internal sealed class SweepView
    {
        private const int Kept = 10;
        private readonly SortedDictionary<int, TrialStatus> _running = [];
        private readonly Dictionary<string, string> _lines = new(StringComparer.Ordinal);
        private readonly LinkedList<TrialStatus> _recent = [];
        private readonly LinkedList<TrialStatus> _failures = [];

        public long Version { get; private set; } = -1;

        public SweepStatus? Status { get; private set; }

        public SweepState State { get; private set; } = SweepState.Running;

        public TrialCounts Counts { get; private set; } = new(0, 0, 0, 0, 0);

        public IReadOnlyList<TrialStatus> Front { get; private set; } = [];

        public IEnumerable<TrialStatus> Running => _running.Values;

        public IEnumerable<TrialStatus> Recent => _recent;

        public IEnumerable<TrialStatus> Failures => _failures;

        /// <summary>Applies an update; returns the trials it changed (a snapshot's running trials count as changed).</summary>
        public IReadOnlyList<TrialStatus> Apply(SweepUpdate update)
        {
            var changed = new List<TrialStatus>();
            if (update.Snapshot is { } snapshot)
            {
                Status = snapshot;
                _running.Clear();
                foreach (var trial in snapshot.Running)
                {
                    _running[trial.Index] = trial;
                    changed.Add(trial);
                }
            }
            else if (update.Trial is { } trial)
            {
                if (trial.State == TrialState.Running)
                {
                    _running[trial.Index] = trial;
                }
                else
                {
                    _running.Remove(trial.Index);
                    Keep(trial.State == TrialState.Failed ? _failures : _recent, trial);
                }
                changed.Add(trial);
            }
            Version = update.Version;
            State = update.State;
            Counts = update.Counts;
            if (update.Front is { } front) Front = front;
            if (Status is { } status) Status = status with { State = State, Counts = Counts, Front = Front, Version = Version };
            return changed;
        }

        /// <summary>The line of a trial's change, or null when its line would repeat the last one (a running trial's progress within a stage).</summary>
        public string? LineChanged(TrialStatus trial)
        {
            if (trial.State == TrialState.Pending) return null;
            var line = Describe(trial);
            if (trial.State != TrialState.Running)
            {
                _lines.Remove(trial.TrialId);
                return line;
            }
            if (_lines.TryGetValue(trial.TrialId, out var previous) && previous == line) return null;
            _lines[trial.TrialId] = line;
            return line;
        }

        private static void Keep(LinkedList<TrialStatus> list, TrialStatus trial)
        {
            list.AddLast(trial);
            if (list.Count > Kept) list.RemoveFirst();
        }

        private static string Describe(TrialStatus trial) => trial.State switch
        {
            // A stopped trial the sweep sends on to the end of its schedule, before it reports a stage.
            TrialState.Running when trial is { Stage: null, ResumedLateFrom: { } late } => $"resumed late from {late.Describe()}",
            // Stage changes only: a line per percent would flood a log.
            TrialState.Running => $"running on {trial.Silo ?? "?"}: {trial.Stage ?? "starting"}",
            TrialState.Completed when trial.Summary is { } r => string.Create(CultureInfo.InvariantCulture,
                $"completed on {trial.Silo}: CR {r.CompressionRatio:F2}x, validation top-1 {r.SelectionTop1:F2} %, test top-1 {r.Top1:F2} %") +
                (trial.Promotion is { } promotion ? "; " + promotion : ""),
            TrialState.Failed => $"failed: {trial.Error}",
            TrialState.Stopped => trial.StopReason ?? "stopped early",
            _ => trial.State.ToString().ToLowerInvariant(),
        };
    }
}

using FocusedQuantization.Client.Rendering;
using System.Globalization;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace FocusedQuantization.Client.Sweeps;

/// <summary>
/// Follows a sweep until it ends: a live view on a terminal (a row per running trial with its stage, completed trials
/// with CR and top-1, the current front), a line per change otherwise.
/// </summary>
public static class SweepWatcher
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(1);

    public static async Task<SweepStatus> WatchAsync(ISweepGrain sweep, CancellationToken cancellationToken)
    {
        var status = await sweep.GetStatus();
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsOutputRedirected)
            return await WatchAsLinesAsync(sweep, status, cancellationToken);

        await AnsiConsole.Live(Render(status, null)).AutoClear(false).StartAsync(async context =>
        {
            while (status.State == SweepState.Running)
            {
                await Task.Delay(PollEvery, cancellationToken);
                status = await sweep.GetStatus();
                var front = await sweep.GetPareto(null);
                context.UpdateTarget(Render(status, front));
            }
            context.UpdateTarget(Render(status, await sweep.GetPareto(null)));
        });
        return status;
    }

    private static async Task<SweepStatus> WatchAsLinesAsync(ISweepGrain sweep, SweepStatus status, CancellationToken cancellationToken)
    {
        var seen = new Dictionary<string, string>();
        while (true)
        {
            foreach (var trial in status.Trials)
            {
                var line = Describe(trial);
                if (seen.TryGetValue(trial.TrialId, out var previous) && previous == line) continue;
                seen[trial.TrialId] = line;
                if (trial.State != TrialState.Pending) Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {trial.TrialId} {line}");
            }
            if (status.State != SweepState.Running) return status;
            await Task.Delay(PollEvery, cancellationToken);
            status = await sweep.GetStatus();
        }
    }

    private static string Describe(TrialStatus trial) => trial.State switch
    {
        // Stage changes only: a line per percent would flood a log.
        TrialState.Running => $"running on {trial.Silo ?? "?"}: {trial.Stage ?? "starting"}",
        TrialState.Completed when trial.Result is { } r => string.Create(CultureInfo.InvariantCulture, $"completed on {trial.Silo}: CR {r.CompressionRatio:F2}x, validation top-1 {r.SelectionTop1:F2} %, test top-1 {r.Top1:F2} %"),
        TrialState.Failed => $"failed: {trial.Error}",
        _ => trial.State.ToString().ToLowerInvariant(),
    };

    private static IRenderable Render(SweepStatus status, ParetoResult? pareto)
    {
        var done = status.Trials.Count(t => t.State is TrialState.Completed or TrialState.Failed or TrialState.Cancelled);
        var header = new Markup($"[bold]{Markup.Escape(status.Spec.Name)}[/] ({Markup.Escape(status.SweepId)}): {status.State.ToString().ToLowerInvariant()}, {done}/{status.Trials.Count} trials done");
        var running = new Table().Title("running").AddColumns("trial", "silo", "stage", "progress");
        foreach (var trial in status.Trials.Where(t => t.State == TrialState.Running))
        {
            var width = 20;
            var filled = (int)Math.Round(Math.Clamp(trial.StageFraction, 0, 1) * width);
            running.AddRow(Markup.Escape(trial.TrialId), Markup.Escape(trial.Silo ?? "-"), Markup.Escape(trial.Stage ?? "starting"),
                $"[green]{new string('━', filled)}[/][grey]{new string('━', width - filled)}[/] {trial.StageFraction:P0}");
        }
        var completed = new Table().Title("completed").AddColumns("trial", "bits", "sparsity", "CR", "val top-1 %", "test top-1 %", "front");
        var frontIds = pareto?.Front.Select(t => t.TrialId).ToHashSet() ?? [];
        foreach (var trial in status.Trials.Where(t => t.State == TrialState.Completed && t.Result is not null).OrderByDescending(t => t.Result!.SelectionTop1))
        {
            var r = trial.Result!;
            completed.AddRow(Markup.Escape(trial.TrialId), TrialText.Bits(trial.Config), r.Sparsity.ToString("P1", CultureInfo.InvariantCulture),
                r.CompressionRatio.ToString("F2", CultureInfo.InvariantCulture) + "x", r.SelectionTop1.ToString("F2", CultureInfo.InvariantCulture),
                r.Top1.ToString("F2", CultureInfo.InvariantCulture), frontIds.Contains(trial.TrialId) ? "[yellow]★[/]" : "");
        }
        var failed = status.Trials.Where(t => t.State == TrialState.Failed).Select(t => new Markup($"[red]{Markup.Escape(t.TrialId)} failed: {Markup.Escape(t.Error ?? "?")}[/]"));
        return new Rows([header, running, completed, .. failed]);
    }
}

using FocusedQuantization.Client.Rendering;
using System.Globalization;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using Spectre.Console;

namespace FocusedQuantization.Client.Sweeps;

/// <summary>`fq sweep status` as tables: the sweep, then one row per trial.</summary>
public static class SweepStatusTable
{
    public static void Render(SweepStatus status, IReadOnlyList<TrialStatus> trials, IAnsiConsole console)
    {
        console.MarkupLineInterpolated($"[bold]{status.Spec.Name}[/] ({status.SweepId}): {status.State.ToString().ToLowerInvariant()}, {status.Spec.Model} on {status.Spec.Dataset}, created {status.CreatedAt:u}");
        var table = new Table().AddColumns("trial", "state", "silo", "sparsity", "bits", "w_sep", "stage", "CR", "val top-1 %", "test top-1 %", "test top-5 %", "seconds");
        foreach (var trial in trials)
        {
            var c = trial.Config;
            var r = trial.Summary;
            var seconds = trial.StartedAt is { } start && trial.FinishedAt is { } end ? (end - start).TotalSeconds.ToString("F0", CultureInfo.InvariantCulture) : "";
            table.AddRow(
                Markup.Escape(trial.TrialId),
                trial.State.ToString().ToLowerInvariant(),
                Markup.Escape(trial.Silo ?? ""),
                c is null ? TrialText.NotChosen : c.TargetSparsity is { } s ? s.ToString("P1", CultureInfo.InvariantCulture) : $"alpha {c.PruneAlpha:G3}",
                c is null ? "" : TrialText.Bits(c),
                c is null ? "" : c.WSep.ToString("G3", CultureInfo.InvariantCulture),
                trial.State == TrialState.Running ? Markup.Escape($"{trial.Stage} {trial.StageFraction:P0}") : trial.State == TrialState.Failed ? Markup.Escape(trial.Error ?? "") : "",
                r is null ? "" : r.CompressionRatio.ToString("F2", CultureInfo.InvariantCulture) + "x",
                r is null || !double.IsFinite(r.ValidationTop1) ? "" : r.ValidationTop1.ToString("F2", CultureInfo.InvariantCulture),
                r is null ? "" : r.Top1.ToString("F2", CultureInfo.InvariantCulture),
                r is null ? "" : r.Top5.ToString("F2", CultureInfo.InvariantCulture),
                seconds);
        }
        console.Write(table);
    }
}

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
                trial.State switch
                {
                    TrialState.Running => Markup.Escape($"{trial.Stage} {trial.StageFraction:P0}" + (trial.ResumedLateFrom is null ? "" : " (resumed late)")),
                    TrialState.Failed => Markup.Escape(trial.Error ?? ""),
                    TrialState.Stopped => Markup.Escape(trial.StopReason ?? "stopped early"),
                    // Early stopping: the rungs it passed, or the rung it was resumed late from.
                    _ => Markup.Escape(trial.Promotion ?? ""),
                },
                Figure(r, s => s.CompressionRatio, "F2", "x", s => s.EstimatedCompressionRatio),
                Figure(r, s => s.ValidationTop1, "F2", "", s => s.Rungs.Count > 0 ? s.Rungs[^1].ValidationTop1 : double.NaN),
                Figure(r, s => s.Top1, "F2", "", s => s.Rungs.Count > 0 ? s.Rungs[^1].TestTop1 : double.NaN),
                Figure(r, s => s.Top5, "F2", ""),
                seconds);
        }
        console.Write(table);
        if (trials.Any(t => t.State == TrialState.Stopped))
            console.MarkupLine("[grey]~ a stopped trial's figures as known when it stopped: its size estimated before fine-tuning, its top-1 at its last rung.[/]");
    }

    /// <summary>A figure of a summary; a stopped trial's final figure is unknown and shows what was known at its rung, marked ~.</summary>
    private static string Figure(TrialSummary? summary, Func<TrialSummary, double> final, string format, string unit, Func<TrialSummary, double>? atRung = null)
    {
        if (summary is null) return "";
        var value = final(summary);
        if (double.IsFinite(value)) return value.ToString(format, CultureInfo.InvariantCulture) + unit;
        return atRung?.Invoke(summary) is { } known && double.IsFinite(known) ? "~" + known.ToString(format, CultureInfo.InvariantCulture) + unit : "";
    }
}

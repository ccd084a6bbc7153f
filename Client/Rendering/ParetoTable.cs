using System.Globalization;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using Spectre.Console;

namespace FocusedQuantization.Client.Rendering;

/// <summary>`fq pareto` as a table: the non-dominated trials, best first, with their configs and the hypervolume.</summary>
public static class ParetoTable
{
    /// <summary>Writes the front (or a note that no trial has completed yet) to the console.</summary>
    public static void Render(ParetoResult pareto, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(pareto);
        ArgumentNullException.ThrowIfNull(console);
        if (pareto.Front.Count == 0)
        {
            console.WriteLine(pareto.Trials == 0
                ? "No completed trials yet: the front is empty."
                : $"None of the {pareto.Trials} trials is on the front (none completed within the constraint).");
            return;
        }

        // Early stopping: a column for how each went past its rungs (passed them, or resumed late), only when some did.
        var rungs = pareto.Front.Any(t => t.Promotion is not null);
        var table = new Table()
            .Title($"Pareto front: {pareto.Front.Count} of {pareto.Trials} trials")
            .AddColumns(["rank", "trial", "CR", "val top-1 %", "test top-1 %", "test top-5 %", "sparsity %", "bits", "config", .. rungs ? new[] { "rungs" } : []]);
        foreach (var column in table.Columns.Skip(2).Take(5)) column.RightAligned();
        for (var i = 0; i < pareto.Front.Count; i++)
        {
            var trial = pareto.Front[i];
            var result = trial.Summary;
            table.AddRow([
                new Text((i + 1).ToString(CultureInfo.InvariantCulture)),
                new Text(trial.TrialId),
                new Text(result is null ? "-" : Number(result.CompressionRatio) + "x"),
                new Text(result is null ? "-" : Number(result.SelectionTop1)),
                new Text(result is null ? "-" : Number(result.Top1)),
                new Text(result is null ? "-" : Number(result.Top5)),
                new Text(result is null ? "-" : Number(result.Sparsity * 100)),
                new Text(TrialText.Bits(trial.Config)),
                new Text(TrialText.Summary(trial.Config)),
                .. rungs ? new[] { new Text(trial.Promotion ?? "") } : Array.Empty<Text>(),
            ]);
        }
        table.Caption(string.Create(CultureInfo.InvariantCulture,
            $"hypervolume {pareto.Hypervolume:G6} above the reference point CR {pareto.ReferenceCompressionRatio:G4}x, validation top-1 {pareto.ReferenceTop1:F2} % (the dense model less the allowed top-1 drop, 5 points unless set); the front and the constraint use validation accuracy, held out of the training images; test accuracy is only reported"));
        console.Write(table);
    }

    private static string Number(double value) => value.ToString("F2", CultureInfo.InvariantCulture);
}

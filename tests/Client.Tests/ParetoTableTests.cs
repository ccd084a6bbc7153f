using FocusedQuantization.Client.Rendering;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using Spectre.Console;

namespace FocusedQuantization.Client.Tests;

public sealed class ParetoTableTests
{
    private static string Render(ParetoResult pareto)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 220;
        ParetoTable.Render(pareto, console);
        return output.ToString();
    }

    [Fact]
    public void The_front_is_listed_best_first_with_rank_measures_bits_and_config()
    {
        var text = Render(SweepSamples.Pareto());

        var rows = text.Split('\n').Where(line => line.Contains("s1/")).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Contains("s1/0", rows[0]);
        Assert.Contains("30.00x", rows[0]);
        Assert.Contains("88.00", rows[0]);
        Assert.Contains("90.00", rows[0]);
        Assert.Contains("sparsity 0.9, w_sep 2, overflow default, schedule 0.2, ft-lr 0.002, arithmetic", rows[0]);
        Assert.DoesNotContain("ste", rows[0]);
        Assert.Contains("s1/1", rows[1]);
        Assert.Matches(@"\b4\b", rows[1]);
        Assert.Contains("s1/2", rows[2]);
        Assert.DoesNotContain("s1/3", text);
        Assert.Contains("3 of 6 trials", text);
        Assert.Contains("hypervolume 123.5", text);
    }

    [Fact]
    public void A_per_layer_trial_shows_its_candidates_and_budget()
    {
        var trial = SweepSamples.Completed(0, 30, 88);
        trial = trial with { Config = trial.Config! with { BitsPolicy = BitsPolicy.PerLayer, Bits = 6, CandidateBits = [3, 4, 5, 6], BudgetBitsPerWeight = 0.8 } };

        Assert.Contains("per-layer {3,4,5,6} <= 0.8 b/w", Render(new ParetoResult([trial], 1, 1, 1, 1, 90)));
    }

    [Fact]
    public void A_trial_with_layers_of_their_own_names_them_beside_the_pruning_and_the_bits()
    {
        var trial = SweepSamples.Completed(0, 30, 88);
        trial = trial with
        {
            Config = trial.Config! with
            {
                LayerSparsity = new Dictionary<string, double> { ["fc1.weight"] = 0.975, ["conv2.weight"] = 0.8 },
                LayerBits = new Dictionary<string, int> { ["fc1.weight"] = 3 },
            },
        };

        var text = Render(new ParetoResult([trial], 1, 1, 1, 1, 90));

        Assert.Contains("sparsity 0.9 (conv2 0.8, fc1 0.975), w_sep 2", text);
        Assert.Contains("(fc1 3)", text);
    }

    [Fact]
    public void A_trial_fine_tuned_in_inq_mode_says_so_after_its_coding()
    {
        var trial = SweepSamples.Completed(0, 30, 88);
        trial = trial with { Config = trial.Config! with { FineTune = FineTuning.Inq } };

        Assert.Contains("ft-lr 0.002, arithmetic, inq", Render(new ParetoResult([trial], 1, 1, 1, 1, 90)));
    }

    [Fact]
    public void An_empty_front_says_so_instead_of_an_empty_table() =>
        Assert.Contains("No completed trials yet", Render(new ParetoResult([], 0, 0, 0, 1, 90)));
}

using System.Text.Json.Nodes;
using FocusedQuantization.Client.Rendering;
using FocusedQuantization.Client.Sweeps;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using Spectre.Console;

namespace FocusedQuantization.Client.Tests;

/// <summary>
/// How `fq sweep status`, `fq sweep watch`, `fq pareto` and their JSON show a trial of an early-stopping sweep that went
/// past its rungs: the rungs it passed, or the rung it was stopped at and resumed late from.
/// </summary>
public sealed class EarlyStoppingDisplayTests
{
    private static string Render(Action<IAnsiConsole> render)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 400;
        render(console);
        return output.ToString();
    }

    private static string Row(string text, string trialId) => Assert.Single(text.Split('\n'), line => line.Contains(trialId + " ", StringComparison.Ordinal));

    [Fact]
    public void The_status_table_says_which_rungs_a_trial_passed_or_which_one_it_was_resumed_late_from()
    {
        var late = SweepSamples.EarlyStopping(3, 20, 89, lateFrom: 0);
        var running = SweepSamples.Running(4) with { ResumedLateFrom = new RungPosition(1, 3, 3, 8), Stage = "quantize" };
        var trials = new[] { SweepSamples.EarlyStopping(2, 30, 88), late, running, SweepSamples.Completed(5, 10, 90) };

        var text = Render(console => SweepStatusTable.Render(SweepSamples.Status(), trials, console));

        Assert.Contains("passed rungs at epochs 1, 3", Row(text, "s1/2"));
        Assert.Contains("resumed late from rung 1/3 (epoch 1/8)", Row(text, "s1/3"));
        Assert.DoesNotContain("passed", Row(text, "s1/3"));
        Assert.Matches(@"quantize 40 ?% \(resumed late\)", Row(text, "s1/4"));
        // A sweep without early stopping shows nothing of the kind.
        Assert.DoesNotContain("rung", Row(text, "s1/5"));
    }

    [Fact]
    public void The_live_log_shows_a_late_promotion_then_where_it_resumes_then_fine_tuning_and_the_end_with_its_rungs()
    {
        var view = new SweepWatcher.SweepView();
        var from = new RungPosition(0, 3, 1, 8);
        var stopped = SweepSamples.EarlyStopping(3, 20, 89) with
        {
            State = TrialState.Stopped, StopReason = "stopped at rung 1/3 (epoch 1/8): ranked 2 of 2, the best 1 go on",
        };
        var promoted = stopped with { State = TrialState.Running, StopReason = null, Stage = null, ResumedLateFrom = from };
        var rows = new[]
        {
            stopped,
            promoted,
            promoted with { Stage = "resuming from rung 1/3 (epoch 1/8)" },
            promoted with { Stage = "quantize", StageFraction = 0.2 },
            promoted with { Stage = "quantize", StageFraction = 0.6 },
            SweepSamples.EarlyStopping(3, 20, 89, lateFrom: 0),
            SweepSamples.EarlyStopping(4, 30, 88),
        };

        var lines = rows.Select(view.LineChanged).OfType<string>().ToArray();

        Assert.Equal([
            "stopped at rung 1/3 (epoch 1/8): ranked 2 of 2, the best 1 go on",
            "resumed late from rung 1/3 (epoch 1/8)",
            "running on silo-a: resuming from rung 1/3 (epoch 1/8)",
            "running on silo-a: quantize",
            "completed on silo-a: CR 20.00x, validation top-1 89.00 %, test top-1 89.00 %; resumed late from rung 1/3 (epoch 1/8)",
            "completed on silo-a: CR 30.00x, validation top-1 88.00 %, test top-1 88.00 %; passed rungs at epochs 1, 3",
        ], lines);
    }

    [Fact]
    public void The_pareto_table_has_a_rungs_column_only_when_a_trial_on_the_front_went_past_rungs()
    {
        var plain = Render(console => ParetoTable.Render(SweepSamples.Pareto(), console));
        var front = new ParetoResult([SweepSamples.EarlyStopping(0, 30, 88, lateFrom: 1), SweepSamples.EarlyStopping(1, 20, 89)], 6, 6, 100, 1, 85);
        var early = Render(console => ParetoTable.Render(front, console));

        Assert.DoesNotContain("rungs", plain);
        Assert.Contains("rungs", early.Split('\n').First(l => l.Contains("rank", StringComparison.Ordinal)));
        Assert.Contains("resumed late from rung 2/3 (epoch 3/8)", Row(early, "s1/0"));
        Assert.Contains("passed rungs at epochs 1, 3", Row(early, "s1/1"));
    }

    [Fact]
    public void The_json_gives_the_promotion_and_the_rung_a_late_one_was_resumed_from_and_nulls_otherwise()
    {
        var trials = new[] { SweepSamples.EarlyStopping(0, 30, 88, lateFrom: 1), SweepSamples.EarlyStopping(1, 20, 89), SweepSamples.Completed(2, 10, 90) };
        var json = SweepJson.StatusObject(SweepSamples.Status(), trials)["trials"]!.AsArray();

        Assert.Equal("resumed late from rung 2/3 (epoch 3/8)", (string?)json[0]!["promotion"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"rung":1,"rungs":3,"epoch":3,"scheduleEpochs":8}"""), json[0]!["resumedLateFrom"]));
        Assert.Equal("passed rungs at epochs 1, 3", (string?)json[1]!["promotion"]);
        Assert.Null(json[1]!["resumedLateFrom"]);
        Assert.True(json[2]!.AsObject().ContainsKey("promotion"));
        Assert.Null(json[2]!["promotion"]);
        Assert.Null(json[2]!["resumedLateFrom"]);
    }
}

using System.Text.Json.Nodes;
using FocusedQuantization.Client.Rendering;
using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Client.Tests;

public sealed class SweepJsonTests
{
    private static readonly string[] TrialKeys =
        ["trialId", "state", "silo", "config", "cr", "top1", "top5", "startedAt", "finishedAt", "seconds"];

    [Fact]
    public void The_status_is_an_object_with_the_sweep_state_and_one_entry_per_trial()
    {
        var json = JsonNode.Parse(SweepJson.Status(SweepSamples.Status(), SweepSamples.Trials()))!.AsObject();

        Assert.Equal("running", (string?)json["state"]);
        Assert.Equal("s1", (string?)json["sweepId"]);
        var trials = json["trials"]!.AsArray();
        Assert.Equal(3, trials.Count);
        Assert.All(trials, trial => Assert.All(TrialKeys, key => Assert.True(trial!.AsObject().ContainsKey(key), $"missing {key}")));
        Assert.Equal(["completed", "running", "pending"], trials.Select(t => (string?)t!["state"]));
        Assert.Equal(1, (int?)json["counts"]!["running"]);
    }

    [Fact]
    public void A_completed_trial_has_its_measures_and_timings_and_a_pending_one_has_nulls()
    {
        var trials = SweepJson.StatusObject(SweepSamples.Status(), SweepSamples.Trials())["trials"]!.AsArray();

        var done = trials[0]!;
        Assert.Equal("s1/0", (string?)done["trialId"]);
        Assert.Equal("silo-a", (string?)done["silo"]);
        Assert.Equal(30.0, (double?)done["cr"]);
        Assert.Equal(88.0, (double?)done["top1"]);
        Assert.Equal(96.0, (double?)done["top5"]);
        Assert.Equal(42.5, (double?)done["seconds"]);
        Assert.Equal(SweepSamples.Start.AddSeconds(42.5), (DateTimeOffset?)done["finishedAt"]);
        Assert.Equal(0.9, (double?)done["config"]!["sparsity"]);
        Assert.Equal(5, (int?)done["config"]!["bits"]);
        Assert.Null(done["config"]!["overflowRate"]);
        Assert.Equal("ste", (string?)done["config"]!["fineTune"]);

        var pending = trials[2]!;
        Assert.Null(pending["cr"]);
        Assert.Null(pending["silo"]);
        Assert.Null(pending["seconds"]);
    }

    [Fact]
    public void A_trial_of_a_searched_space_has_its_layer_settings_and_point_and_others_have_no_such_keys()
    {
        var plain = SweepSamples.Completed(0, 30, 88);
        var searched = plain with
        {
            Config = plain.Config! with
            {
                LayerSparsity = new Dictionary<string, double> { ["fc1.weight"] = 0.97 },
                LayerBits = new Dictionary<string, int> { ["fc1.weight"] = 3 },
                Parameters = new Dictionary<string, double> { ["sparsity"] = 0.9, ["layers.fc1.sparsity"] = 0.97 },
            },
        };

        var config = SweepJson.Config(searched.Config!);

        Assert.Equal(0.97, (double?)config["layerSparsity"]!["fc1.weight"]);
        Assert.Equal(3, (int?)config["layerBits"]!["fc1.weight"]);
        Assert.Equal(["sparsity", "layers.fc1.sparsity"], config["parameters"]!.AsObject().Select(p => p.Key));
        var before = SweepJson.Config(plain.Config!);
        Assert.False(before.ContainsKey("layerSparsity") || before.ContainsKey("layerBits") || before.ContainsKey("parameters"));
    }

    [Fact]
    public void A_completed_trial_lists_each_layer_with_its_mode_bits_and_separation()
    {
        var layers = new[]
        {
            new LayerOutcome("conv1.weight", LayerMode.Shift, 5, 500, 0.012, 1880) { Separation = 0.4 },
            new LayerOutcome("fc1.weight", LayerMode.Recentralized, 5, 400_000, 0.937, 204_128) { Separation = 3.1 },
        };
        var trial = SweepJson.Trial(SweepSamples.Completed(0, 30, 88), SweepSamples.Result(0, 30, 88) with { Layers = layers });

        var json = trial["layers"]!.AsArray();
        Assert.Equal(["conv1.weight", "fc1.weight"], json.Select(l => (string?)l!["name"]));
        Assert.Equal(["shift", "recentralized"], json.Select(l => (string?)l!["mode"]));
        Assert.Equal(204_128L, (long?)json[1]!["codedBits"]);
        Assert.Equal(3.1, (double?)json[1]!["separation"]);
        Assert.Null(SweepJson.Trial(SweepSamples.Pending(1))["layers"]);
    }

    [Theory]
    [InlineData(TrialState.Pending, "pending")]
    [InlineData(TrialState.Running, "running")]
    [InlineData(TrialState.Completed, "completed")]
    [InlineData(TrialState.Failed, "failed")]
    [InlineData(TrialState.Cancelled, "cancelled")]
    public void Trial_states_are_lowercase_words(TrialState state, string expected) =>
        Assert.Equal(expected, (string?)SweepJson.Trial(SweepSamples.Pending(0) with { State = state })["state"]);

    [Fact]
    public void The_pareto_json_has_the_front_best_first_shaped_as_in_the_status_with_hypervolume_and_reference()
    {
        var pareto = SweepSamples.Pareto();

        var json = JsonNode.Parse(SweepJson.Pareto(pareto))!.AsObject();

        Assert.Equal(123.5, (double?)json["hypervolume"]);
        Assert.Equal(1.0, (double?)json["reference"]!["cr"]);
        Assert.Equal(90.47, (double?)json["reference"]!["top1"]);
        Assert.Equal(6, (int?)json["evaluated"]);
        var trials = json["trials"]!.AsArray();
        Assert.Equal(["s1/0", "s1/1", "s1/2"], trials.Select(t => (string?)t!["trialId"]));
        Assert.Equal([1, 2, 3], trials.Select(t => (int?)t!["rank"]));
        Assert.All(trials, trial => Assert.All(TrialKeys, key => Assert.True(trial!.AsObject().ContainsKey(key), $"missing {key}")));
        Assert.True(JsonNode.DeepEquals(SweepJson.Trial(pareto.Front[1]), RemoveRank(trials[1]!.AsObject())));
        Assert.Contains("\"startedAt\": \"2026-11-28T10:00:10+00:00\"", SweepJson.Pareto(pareto));
    }

    private static JsonObject RemoveRank(JsonObject trial)
    {
        var copy = JsonNode.Parse(trial.ToJsonString())!.AsObject();
        copy.Remove("rank");
        return copy;
    }
}

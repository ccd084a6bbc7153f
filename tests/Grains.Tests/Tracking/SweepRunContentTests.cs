using FocusedQuantization.Grains.Sweeps;
using FocusedQuantization.Specs;
using FocusedQuantization.Grains.Tracking;

namespace FocusedQuantization.Grains.Tests.Tracking;

public sealed class SweepRunContentTests
{
    private const string Spec = "space: { sparsity: 0.9 }";

    [Fact]
    public void The_fine_tuning_mode_is_a_param_only_when_it_is_not_the_default()
    {
        // Runs logged before the knob existed have no such param; the default adds none, so their params read the same.
        var defaults = SweepSpecLoader.Parse(Spec, "s.yaml");
        var both = SweepSpecLoader.Parse("space: { sparsity: 0.9, fine_tune: [ste, inq] }", "s.yaml");
        var trials = SweepPlan.Expand(both);

        Assert.DoesNotContain(SweepRunContent.SweepParams(defaults), p => p.Key.Contains("fine_tune", StringComparison.Ordinal) && p.Key != "space.fine_tune_lr");
        Assert.Equal("ste,inq", SweepRunContent.SweepParams(both).Single(p => p.Key == "space.fine_tune").Value);
        Assert.DoesNotContain(SweepRunContent.TrialParams(trials[0]), p => p.Key == "fine_tune");
        Assert.Equal("inq", SweepRunContent.TrialParams(trials[1]).Single(p => p.Key == "fine_tune").Value);
    }

    [Fact]
    public void Ranges_and_per_layer_dimensions_are_params_of_the_sweep_and_a_trials_own_layer_settings_of_the_trial()
    {
        var spec = SweepSpecLoader.Parse("""
            strategy: { kind: random, budget: 2 }
            space:
              sparsity: { low: 0.8, high: 0.95 }
              fine_tune_lr: { low: 0.0005, high: 0.005, log: true }
              w_sep: { low: 1.5, high: 3, step: 0.5 }
              layers: { fc1: { sparsity: [0.9, 0.99], bits: { low: 4, high: 6 } } }
            """, "s.yaml", _ => ["conv1.weight", "fc1.weight"]);
        var trial = SweepPlan.Expand(spec)[0];

        var sweep = SweepRunContent.SweepParams(spec).ToDictionary(p => p.Key, p => p.Value);
        var trialParams = SweepRunContent.TrialParams(trial).ToDictionary(p => p.Key, p => p.Value);

        Assert.Equal("0.8..0.95", sweep["space.target_sparsity"]);
        Assert.Equal("0.0005..0.005 log", sweep["space.fine_tune_lr"]);
        Assert.Equal("1.5..3 step 0.5", sweep["space.w_sep"]);
        Assert.Equal("0.9,0.99", sweep["space.layers.fc1.sparsity"]);
        Assert.Equal("4..6 step 1", sweep["space.layers.fc1.bits"]);
        Assert.Contains(trialParams["layer_sparsity.fc1.weight"], new[] { "0.9", "0.99" });
        Assert.Contains(trialParams["layer_bits.fc1.weight"], new[] { "4", "5", "6" });
    }

    [Fact]
    public void A_rung_decision_tags_the_rung_and_the_stop_reason_or_the_promotion_it_was()
    {
        static string[] Tags(int rung, string? stop, string? promotion) =>
            [.. SweepRunContent.RungTags(rung, stop, promotion).Select(t => $"{t.Key}={t.Value}")];

        Assert.Equal(["fq.rung=0", "fq.stop_reason=stopped at rung 1/3 (epoch 1/8): ranked 3 of 3, the best 1 go on"],
            Tags(0, "stopped at rung 1/3 (epoch 1/8): ranked 3 of 3, the best 1 go on", null));
        Assert.Equal(["fq.rung=1", "fq.promoted=passed rungs at epochs 1, 3"], Tags(1, null, "passed rungs at epochs 1, 3"));
        // A late promotion keeps the stop reason logged before it: fq.promoted says it was resumed.
        Assert.Equal(["fq.rung=1", "fq.promoted=passed rungs at epochs 1; resumed late from rung 2/3 (epoch 3/8)"],
            Tags(1, null, "passed rungs at epochs 1; resumed late from rung 2/3 (epoch 3/8)"));
    }
}

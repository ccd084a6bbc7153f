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
}

using FocusedQuantization.Client.Rendering;
using FocusedQuantization.Client.Sweeps;
using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Client.Tests;

public class ObjectiveFrontTests
{
    [Fact]
    public void Objectives_parse_with_default_directions_and_explicit_prefixes()
    {
        Assert.Equal([new ObjectiveSpec(ObjectiveMetric.Cr, true), new ObjectiveSpec(ObjectiveMetric.Top5, true)], ObjectiveFront.Parse("cr,top5"));
        Assert.Equal([new ObjectiveSpec(ObjectiveMetric.CompressedBytes, false), new ObjectiveSpec(ObjectiveMetric.Top1, true)],
            ObjectiveFront.Parse(" compressed_bytes , max top1"));
        Assert.Equal([new ObjectiveSpec(ObjectiveMetric.Cr, false), new ObjectiveSpec(ObjectiveMetric.Top1, true)], ObjectiveFront.Parse("min cr, maximize top1"));
    }

    [Theory]
    [InlineData("cr", "at least two")]
    [InlineData("cr,cr", "twice")]
    [InlineData("cr,accuracy", "unknown metric 'accuracy'")]
    [InlineData("best cr,top1", "max METRIC")]
    public void Bad_objectives_are_refused_with_what_is_wrong(string text, string expected) =>
        Assert.Contains(expected, Assert.Throws<ArgumentException>(() => ObjectiveFront.Parse(text)).Message, StringComparison.Ordinal);

    [Fact]
    public void The_front_on_other_objectives_is_the_non_dominated_completed_trials_and_stopped_ones_never_count()
    {
        // Every sample has a 1,000-byte file: on size against top-1 only the most accurate trial is non-dominated.
        var trials = SweepSamples.Evaluated().Append(Stopped(9)).ToArray();
        var (bySize, _, considered) = ObjectiveFront.Compute(trials, ObjectiveFront.Parse("compressed_bytes,top1"), null);
        Assert.Equal(["s1/2"], bySize.Select(t => t.TrialId));
        Assert.Equal(6, considered);

        var (byRatio, hypervolume, _) = ObjectiveFront.Compute(trials, ObjectiveFront.Parse("cr,top1"), null);
        Assert.Equal(["s1/0", "s1/1", "s1/2"], byRatio.Select(t => t.TrialId));
        // Against the worst completed trial (8x, 85 %): (30-8)(88-85) + (20-8)(89-88) + (10-8)(90-89) = 66 + 12 + 2.
        Assert.Equal(80, hypervolume, 9);

        var (within, _, kept) = ObjectiveFront.Compute(trials, ObjectiveFront.Parse("cr,top1"), maxTop1Drop: 1.5);
        Assert.Equal(["s1/1", "s1/2"], within.Select(t => t.TrialId));
        Assert.Equal(2, kept);
    }

    [Fact]
    public void A_stopped_trial_renders_to_json_with_unknown_figures_as_null()
    {
        var json = SweepJson.Trial(Stopped(9)).ToJsonString();
        Assert.Contains("\"cr\":null", json, StringComparison.Ordinal);
        Assert.Contains("\"stopReason\":\"stopped at rung 1", json, StringComparison.Ordinal);
        Assert.Contains("\"estimatedCr\":50", json, StringComparison.Ordinal);
    }

    private static TrialStatus Stopped(int index)
    {
        var paused = new TrialResult(double.NaN, double.NaN, double.NaN, 0.95, 0, 50_000, 90, 99, [], "")
        {
            Rungs = [new RungOutcome(1, 95, 95)],
            EstimatedCompressedBytes = 1000,
            PausedAtEpoch = 1,
            ScheduleEpochs = 8,
        };
        return new TrialStatus($"s1/{index}", index, TrialState.Stopped, "silo-a", SweepSamples.Config(0.95, 3), null, 1, TrialSummary.Of(paused),
            SweepSamples.Start, SweepSamples.Start.AddSeconds(5), null, 1) { StopReason = "stopped at rung 1/3 (epoch 1/8): ranked 4 of 4, the best 1 go on" };
    }
}

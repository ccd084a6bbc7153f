using FocusedQuantization.Specs;
using FocusedQuantization.Grains.Tracking;
using FocusedQuantization.Tracker;

namespace FocusedQuantization.Grains.Tests.Tracking;

public sealed class TrackingNamesTests
{
    [Fact]
    public void The_longest_sweep_name_the_loader_allows_makes_the_longest_experiment_name_the_tracker_accepts() =>
        // The spec loader refuses longer names; if the experiment prefix changes, its limit must change with it.
        Assert.Equal(ExperimentEndpoints.MaxNameLength, TrackingNames.Experiment(new string('n', SweepSpecDefaults.MaxNameLength)).Length);
}

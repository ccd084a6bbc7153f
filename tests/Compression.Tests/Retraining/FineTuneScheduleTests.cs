using FocusedQuantization.Compression.Retraining;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Retraining;

public sealed class FineTuneScheduleTests
{
    [Fact]
    public void The_default_schedule_is_the_papers_twenty_two_epochs_with_growing_fractions()
    {
        var epochs = new FineTuneSchedule().Expand();

        Assert.Equal(22, epochs.Count);
        Assert.Equal([0.25, 0.25, 0.25, 0.5, 0.5, 0.5, 0.75, 0.75, 0.75, 0.875, 0.875, 0.875], epochs.Take(12).Select(e => e.QuantizedFraction));
        Assert.All(epochs.Skip(12), e => Assert.Equal(1.0, e.QuantizedFraction));
        Assert.Equal([0, 3, 6, 9, 12], epochs.Where(e => e.StartsStep).Select(e => e.Index));
    }

    [Fact]
    public void The_learning_rate_restarts_each_step_and_halves_every_three_epochs()
    {
        var epochs = new FineTuneSchedule { LearningRate = 0.001 }.Expand();

        Assert.All(epochs.Where(e => e.StartsStep), e => Assert.Equal(0.001, e.LearningRate, 12));
        var last = epochs.Where(e => e.Step == 4).Select(e => e.LearningRate).ToArray();
        Assert.Equal([0.001, 0.001, 0.001, 0.0005, 0.0005, 0.0005, 0.00025, 0.00025, 0.00025, 0.000125], last, new ToleranceComparer(1e-12));
    }

    [Fact]
    public void Reestimation_happens_after_one_two_four_and_eight_more_epochs()
    {
        var epochs = new FineTuneSchedule().Expand();

        Assert.Equal([1, 3, 7, 15], epochs.Where(e => e.Reestimate).Select(e => e.Index));
    }

    [Fact]
    public void Scaling_shortens_every_step_but_keeps_at_least_one_epoch()
    {
        var scaled = new FineTuneSchedule().Scaled(1.0 / 3.0);

        Assert.Equal([1, 1, 1, 1, 3], scaled.EpochsPerStep);
        Assert.Equal(1, scaled.DecayEvery);
        Assert.Equal(7, scaled.Expand().Count);
    }

    [Theory]
    [InlineData(new[] { 0.5, 0.25, 1.0 }, new[] { 1, 1, 1 })]
    [InlineData(new[] { 0.5, 0.9 }, new[] { 1, 1 })]
    [InlineData(new[] { 0.5, 1.0 }, new[] { 1, 0 })]
    [InlineData(new[] { 0.5, 1.0 }, new[] { 1 })]
    public void A_schedule_that_does_not_rise_to_one_or_has_empty_steps_is_refused(double[] fractions, int[] epochs)
    {
        var schedule = new FineTuneSchedule { Fractions = fractions, EpochsPerStep = epochs };

        Assert.Throws<ArgumentException>(() => schedule.Expand());
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}

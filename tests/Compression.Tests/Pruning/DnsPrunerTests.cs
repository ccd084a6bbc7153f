using FocusedQuantization.Compression.Pruning;
using FocusedQuantization.Compression.Tests.Quantization;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Pruning;

public class DnsPrunerTests
{
    [Fact]
    public void The_initial_mask_keeps_weights_strictly_above_the_threshold()
    {
        float[] weights = [0.5f, -1f, 1.5f, -2f, 0f];
        var mask = new bool[weights.Length];

        DnsPruner.InitialMask(weights, 1f, mask);

        Assert.Equal([false, false, true, true, false], mask);
    }

    [Theory]
    // was kept, |w|, still kept?  (t = 1: off at <= 0.9, on at > 1.1)
    [InlineData(true, 0.95f, true)]    // inside the band: stays on
    [InlineData(true, 0.9f, false)]    // at the lower edge: turns off
    [InlineData(true, 0.5f, false)]
    [InlineData(true, 2f, true)]
    [InlineData(false, 1.05f, false)]  // inside the band: stays off
    [InlineData(false, 1.1f, false)]   // at the upper edge: still off
    [InlineData(false, 1.2f, true)]    // above it: comes back
    [InlineData(false, -1.2f, true)]   // sign does not matter
    [InlineData(false, 0.2f, false)]
    public void Hysteresis_turns_weights_on_above_1_1_t_and_off_at_0_9_t(bool was, float magnitude, bool expected)
    {
        bool[] mask = [was];
        var changed = DnsPruner.UpdateMask([magnitude], 1f, mask);

        Assert.Equal(expected, mask[0]);
        Assert.Equal(was == expected ? 0 : 1, changed);
    }

    [Fact]
    public void A_pruned_weight_that_grows_comes_back_and_one_that_shrinks_goes()
    {
        float[] weights = [0.5f, 1.5f];
        var mask = new bool[2];
        DnsPruner.InitialMask(weights, 1f, mask);
        Assert.Equal([false, true], mask);

        // Training moves the dense weights; the mask follows only once they leave the band.
        foreach (var (grow, shrink, expected) in new[]
                 {
                     (1.0f, 1.0f, new[] { false, true }),
                     (1.08f, 0.92f, new[] { false, true }),
                     (1.15f, 0.85f, new[] { true, false }),
                     (0.95f, 1.05f, new[] { true, false }),
                 })
        {
            weights[0] = grow;
            weights[1] = shrink;
            DnsPruner.UpdateMask(weights, 1f, mask);
            Assert.Equal(expected, mask);
        }
    }

    [Fact]
    public void Sparsity_is_the_pruned_fraction()
    {
        Assert.Equal(0.5, DnsPruner.Sparsity([true, false, false, true]));
        Assert.Equal(0.75, DnsPruner.Sparsity([false, false, false, true]));
        Assert.Equal(0, DnsPruner.Sparsity([]));
    }

    [Fact]
    public void Applying_the_mask_zeroes_the_pruned_weights()
    {
        var masked = new float[3];
        DnsPruner.ApplyMask([1f, -2f, 3f], [true, false, true], masked);
        Assert.Equal([1f, 0f, 3f], masked);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.5)]
    [InlineData(0.7486)]
    [InlineData(0.827)]
    [InlineData(0.95)]
    public void Alpha_search_hits_the_target_sparsity_within_tolerance(double target)
    {
        var weights = Samples.Gaussian(20_000, 0, 0.05, seed: 22);

        var found = DnsPruner.FindAlpha(weights, target, tolerance: 1e-3);

        Assert.InRange(found.Sparsity, target - 1e-3, target + 1e-3);
        Assert.Equal(DnsThreshold.Compute(weights, found.Alpha), found.Threshold);
        var mask = new bool[weights.Length];
        DnsPruner.InitialMask(weights, found.Threshold, mask);
        Assert.Equal(found.Sparsity, DnsPruner.Sparsity(mask));
    }

    [Fact]
    public void Alpha_search_reaches_the_extremes()
    {
        var weights = Samples.Gaussian(1_000, 0, 1, seed: 23);
        Assert.Equal(0, DnsPruner.FindAlpha(weights, 0).Sparsity);
        Assert.Equal(1, DnsPruner.FindAlpha(weights, 1).Sparsity);
    }

    [Fact]
    public void Alpha_search_returns_the_closest_sparsity_when_ties_make_the_target_unreachable()
    {
        float[] weights = [1f, 1f, 1f, 1f, 2f, 2f, 2f, 2f, 2f, 2f];
        var found = DnsPruner.FindAlpha(weights, 0.5, tolerance: 0.01);
        Assert.Equal(0.4, found.Sparsity, 1e-12);
    }

    [Fact]
    public void A_target_sparsity_outside_zero_to_one_is_rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => DnsPruner.FindAlpha([1f, 2f], 1.5));

    [Fact]
    public void The_per_step_mask_update_allocates_nothing()
    {
        var weights = Samples.Gaussian(10_000, 0, 1, seed: 24);
        var mask = new bool[weights.Length];
        var masked = new float[weights.Length];
        DnsPruner.UpdateMask(weights, 1f, mask);
        DnsPruner.ApplyMask(weights, mask, masked);

        var before = GC.GetAllocatedBytesForCurrentThread();
        DnsPruner.UpdateMask(weights, 1.1f, mask);
        DnsPruner.ApplyMask(weights, mask, masked);
        _ = DnsPruner.Sparsity(mask);
        _ = DnsThreshold.Compute(weights, 0.5);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

using FocusedQuantization.Compression.Retraining;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Retraining;

public sealed class SparsityAllocationTests
{
    private static readonly int[] LeNet5Layers = [500, 25_000, 400_000, 5_000];

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.92)]
    [InlineData(0.99)]
    public void The_weighted_mean_of_the_layer_sparsities_is_the_overall_target(double target)
    {
        var sparsities = SparsityAllocation.Allocate(LeNet5Layers, target);

        var pruned = sparsities.Zip(LeNet5Layers, (s, n) => s * n).Sum();
        Assert.Equal(target, pruned / LeNet5Layers.Sum(), 6);
    }

    [Fact]
    public void Larger_layers_are_pruned_harder_and_the_first_convolution_least()
    {
        var sparsities = SparsityAllocation.Allocate(LeNet5Layers, 0.92);

        Assert.True(sparsities[2] > sparsities[1] && sparsities[1] > sparsities[3] && sparsities[3] > sparsities[0],
            string.Join(", ", sparsities));
        // Keep shares follow 1/sqrt(n): fc1 (400k) keeps sqrt(25000/400000) = 1/4 of conv2's share.
        Assert.Equal(0.25, (1 - sparsities[2]) / (1 - sparsities[1]), 6);
    }

    [Fact]
    public void A_small_layer_whose_share_would_exceed_all_of_it_keeps_everything()
    {
        var sparsities = SparsityAllocation.Allocate([10, 1_000_000], 0.5);

        Assert.Equal(0.0, sparsities[0], 9);
        Assert.Equal(0.5 * 1_000_010 / 1_000_000, sparsities[1], 6);
    }

    [Fact]
    public void Zero_sparsity_prunes_nothing_and_an_impossible_target_is_refused()
    {
        Assert.All(SparsityAllocation.Allocate(LeNet5Layers, 0), s => Assert.Equal(0, s, 9));
        Assert.Throws<ArgumentOutOfRangeException>(() => SparsityAllocation.Allocate(LeNet5Layers, 1.0));
    }
}

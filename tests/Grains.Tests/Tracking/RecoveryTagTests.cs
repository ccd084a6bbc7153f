using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Grains.Tracking;

namespace FocusedQuantization.Grains.Tests.Tracking;

/// <summary>A trial that recovered from divergence says so on its tracked run; one that did not carries no such tag.</summary>
public sealed class RecoveryTagTests
{
    private static TrialResult Result(params string[] recoveries) =>
        new(10, 80, 95, 0.9, 1000, 10000, 81, 96, [], "t.fqz") { Recoveries = recoveries };

    [Fact]
    public void Recoveries_become_one_tag_a_line_each_and_none_without_them()
    {
        Assert.Empty(SweepRunContent.RecoveryTags(Result()));

        var tag = Assert.Single(SweepRunContent.RecoveryTags(Result(
            "prune: epoch 1 diverged (loss NaN, batch 3); restored epoch start, retrying at lr 0.005",
            "quantize (fine-tune): epoch 3 diverged (loss +inf, batch 1); restored epoch start, retrying at lr 0.001")));

        Assert.Equal("fq.recoveries", tag.Key);
        Assert.Equal(
            "prune: epoch 1 diverged (loss NaN, batch 3); restored epoch start, retrying at lr 0.005\n" +
            "quantize (fine-tune): epoch 3 diverged (loss +inf, batch 1); restored epoch start, retrying at lr 0.001", tag.Value);
    }

    [Fact]
    public void A_long_list_of_recoveries_is_clipped_to_what_a_tag_holds() =>
        Assert.Equal(4000, Assert.Single(SweepRunContent.RecoveryTags(Result(Enumerable.Repeat(new string('x', 100), 100).ToArray()))).Value.Length);
}

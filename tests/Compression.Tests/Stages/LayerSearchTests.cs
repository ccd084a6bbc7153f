using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Stages;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Stages;

public sealed class LayerSearchTests(StageFixture fixture)
{
    private LayerSearchRequest Request(string layer) =>
        new(fixture.PrunedId, layer, [5, 3, 8], WSep: 2.0, OverflowRate: null, CodingMode.ContextArithmetic, Seed: 1, EvaluationLimit: 200);

    [Fact]
    public void More_bits_cost_more_coded_bits_and_never_give_more_error()
    {
        var result = LayerSearch.Run(Request("fc1.weight"), fixture.Store, fixture.Data, TestContext.Current.CancellationToken);

        Assert.Equal([3, 5, 8], result.Points.Select(p => p.Bits));
        Assert.Equal(800L * 500, result.Weights);
        Assert.True(result.Points[0].CodedBits < result.Points[1].CodedBits && result.Points[1].CodedBits < result.Points[2].CodedBits,
            string.Join(", ", result.Points.Select(p => p.CodedBits)));
        // Shift levels are powers of two: extra bits add smaller levels, so the error falls, then stays once every
        // kept weight's magnitude is covered.
        Assert.True(result.Points[0].Mse > result.Points[1].Mse && result.Points[1].Mse >= result.Points[2].Mse,
            string.Join(", ", result.Points.Select(p => p.Mse)));
        Assert.All(result.Points, p => Assert.InRange(p.RelativeError, 0, 0.5));
        // 8 bits are nearly lossless for one layer: top-1 stays within a few images of the unquantized model.
        Assert.InRange(result.Points[2].Top1, result.Top1Reference - 2, result.Top1Reference + 2);
        Assert.False(double.IsNaN(result.Separation));
    }

    [Fact]
    public void The_same_search_gives_the_same_points_when_computed_again()
    {
        var request = Request("conv2.weight");
        var first = LayerSearch.Run(request, fixture.Store, fixture.Data, TestContext.Current.CancellationToken);
        File.Delete(fixture.Store.PathOf($"{request.Id}.json"));

        var second = LayerSearch.Run(request, fixture.Store, fixture.Data, TestContext.Current.CancellationToken);

        Assert.Equal(first.Points, second.Points);
        Assert.Equal(first.Top1Reference, second.Top1Reference);
        Assert.Equal(first.Separation, second.Separation);

        // Asked a third time, the store answers with exactly what was computed.
        var written = File.GetLastWriteTimeUtc(fixture.Store.PathOf($"{request.Id}.json"));
        var stored = LayerSearch.Run(request, fixture.Store, fixture.Data, TestContext.Current.CancellationToken);
        Assert.Equal(second.Points, stored.Points);
        Assert.Equal(second.Separation, stored.Separation);
        Assert.Equal(written, File.GetLastWriteTimeUtc(fixture.Store.PathOf($"{request.Id}.json")));
    }

    [Fact]
    public void Relative_error_is_the_squared_error_over_the_kept_weights_energy()
    {
        var result = LayerSearch.Run(Request("conv1.weight"), fixture.Store, fixture.Data, TestContext.Current.CancellationToken);

        using var checkpoint = StageCheckpoint.Load(fixture.Store, fixture.PrunedId);
        var weights = checkpoint.Model.named_parameters().First(p => p.name == "conv1.weight").parameter.data<float>().ToArray();
        var energy = weights.Sum(w => (double)w * w);
        Assert.All(result.Points, p => Assert.Equal(p.Mse * weights.Length / energy, p.RelativeError, 9));
    }

    [Fact]
    public void An_unknown_layer_is_refused_with_the_layers_the_checkpoint_has()
    {
        var error = Assert.Throws<ArgumentException>(() => LayerSearch.Run(Request("fc9.weight"), fixture.Store, fixture.Data, TestContext.Current.CancellationToken));

        Assert.Contains("fc9.weight", error.Message);
        Assert.Contains("conv1.weight", error.Message);
    }

    [Fact]
    public void A_search_on_a_checkpoint_the_store_lacks_says_so()
    {
        var error = Assert.Throws<FileNotFoundException>(() => LayerSearch.Run(Request("fc1.weight") with { PrunedCheckpointId = "pruned-0000000000000000" }, fixture.Store, fixture.Data, TestContext.Current.CancellationToken));

        Assert.Contains("pruned-0000000000000000", error.Message);
    }
}

namespace FocusedQuantization.Search.Tests;

public class RandomSamplerTests
{
    private static readonly SearchSpace Space = new([
        new FloatDimension("sparsity", 0.8, 0.99),
        new FloatDimension("lr", 1e-4, 1e-2, Log: true),
        new IntDimension("bits", 2, 8),
        new CategoricalDimension("policy", ["uniform", "per-layer"]),
        new FloatDimension("budget", 2.0, 5.0) { When = new Condition("policy", ["per-layer"]) },
    ]);

    [Fact]
    public void The_same_seed_and_number_give_the_same_point_whatever_the_history()
    {
        var sampler = new RandomSampler(7);
        var first = sampler.Ask(Space, [], 12);
        var again = new RandomSampler(7).Ask(Space, [new Observation(0, first, ObservationState.Complete, [1.0, 2.0])], 12);
        Assert.Equal(first.Values.OrderBy(v => v.Key), again.Values.OrderBy(v => v.Key));
        Assert.NotEqual(first.Values.OrderBy(v => v.Key), sampler.Ask(Space, [], 13).Values.OrderBy(v => v.Key));
    }

    [Fact]
    public void Draws_stay_in_range_and_a_conditional_dimension_appears_only_under_its_condition()
    {
        var sampler = new RandomSampler(3);
        var perLayer = 0;
        for (var n = 0; n < 400; n++)
        {
            var point = sampler.Ask(Space, [], n);
            foreach (var dimension in Space.Dimensions.Where(d => point.Has(d.Name)))
                Assert.True(dimension.Contains(point[dimension.Name]), $"{dimension.Name} = {point[dimension.Name]}");
            var isPerLayer = point["policy"] == 1;
            Assert.Equal(isPerLayer, point.Has("budget"));
            perLayer += isPerLayer ? 1 : 0;
        }
        // Both choices are drawn about equally often.
        Assert.InRange(perLayer, 150, 250);
        // Log-uniform: about half the draws fall below the geometric middle 1e-3.
        var below = Enumerable.Range(0, 400).Count(n => sampler.Ask(Space, [], n)["lr"] < 1e-3);
        Assert.InRange(below, 150, 250);
    }
}

namespace FocusedQuantization.Search.Tests;

public class GridSamplerTests
{
    private static readonly SearchSpace Conditional = new([
        new IntDimension("bits", 2, 4),
        new CategoricalDimension("policy", ["uniform", "per-layer", "mixed"]),
        new FloatDimension("budget", 2.0, 3.0, Step: 0.5) { When = new Condition("policy", ["per-layer", "mixed"]) },
        new CategoricalDimension("coding", ["arithmetic", "huffman"]),
        new IntDimension("group", 1, 8, Log: true, Step: 1) { When = new Condition("coding", ["huffman"]) },
        new FloatDimension("lr", 0.001, 0.004, Step: 0.001) { When = new Condition("policy", ["mixed"]) },
    ]);

    /// <summary>Every combination of the full product, with inactive dimensions dropped, distinct.</summary>
    private static HashSet<string> BruteForce(SearchSpace space)
    {
        var combos = new List<Dictionary<string, double>> { new(StringComparer.Ordinal) };
        foreach (var d in space.Dimensions)
        {
            var next = new List<Dictionary<string, double>>();
            foreach (var c in combos)
            {
                if (!SearchSpace.IsActive(d, c, space)) { next.Add(c); continue; }
                for (var i = 0L; i < d.Cardinality!.Value; i++) next.Add(new(c, StringComparer.Ordinal) { [d.Name] = d.ValueAt(i) });
            }
            combos = next;
        }
        return combos.Select(c => TestProblems.Describe(space, new Point(c))).ToHashSet();
    }

    [Fact]
    public void An_unconditional_grid_is_the_product_with_the_last_dimension_fastest()
    {
        var space = new SearchSpace([new IntDimension("a", 1, 2), new CategoricalDimension("b", ["x", "y", "z"])]);
        Assert.Equal(6, GridSampler.Size(space));
        var grid = new GridSampler();
        var points = Enumerable.Range(0, 6).Select(n => grid.Ask(space, [], n)).Select(p => (p["a"], p["b"])).ToArray();
        Assert.Equal([(1.0, 0.0), (1, 1), (1, 2), (2, 0), (2, 1), (2, 2)], points);
        // Past the end it goes round again.
        Assert.Equal((1.0, 1.0), (grid.Ask(space, [], 7)["a"], grid.Ask(space, [], 7)["b"]));
    }

    [Fact]
    public void Conditional_dimensions_multiply_only_under_their_condition_and_every_valid_combination_comes_once()
    {
        // bits 3 x (uniform 1 + per-layer 3 + mixed 3*4) x (arithmetic 1 + huffman 8).
        Assert.Equal(3 * (1 + 3 + 12) * (1 + 8), GridSampler.Size(Conditional));
        var expected = BruteForce(Conditional);
        Assert.Equal(expected.Count, GridSampler.Size(Conditional));
        foreach (var grid in new[] { new GridSampler(), new GridSampler(seed: 11) })
        {
            var seen = Enumerable.Range(0, (int)GridSampler.Size(Conditional)).Select(n => TestProblems.Describe(Conditional, grid.Ask(Conditional, [], n))).ToList();
            Assert.Equal(seen.Count, seen.Distinct().Count());
            Assert.True(expected.SetEquals(seen));
        }
    }

    [Fact]
    public void A_seeded_grid_is_a_different_order_of_the_same_points_and_the_same_for_the_same_seed()
    {
        var plain = Enumerable.Range(0, 40).Select(n => TestProblems.Describe(Conditional, new GridSampler().Ask(Conditional, [], n))).ToArray();
        var shuffled = Enumerable.Range(0, 40).Select(n => TestProblems.Describe(Conditional, new GridSampler(3).Ask(Conditional, [], n))).ToArray();
        var again = Enumerable.Range(0, 40).Select(n => TestProblems.Describe(Conditional, new GridSampler(3).Ask(Conditional, [], n))).ToArray();
        Assert.NotEqual(plain, shuffled);
        Assert.Equal(shuffled, again);
    }

    [Fact]
    public void A_continuous_dimension_is_refused()
    {
        var space = new SearchSpace([new IntDimension("bits", 2, 4), new FloatDimension("sparsity", 0.8, 0.99)]);
        var error = Assert.Throws<ArgumentException>(() => new GridSampler().Ask(space, [], 0));
        Assert.Contains("sparsity", error.Message);
        Assert.Throws<ArgumentException>(() => GridSampler.Size(space));
    }

    [Fact]
    public void A_grid_too_large_to_count_is_refused()
    {
        var space = new SearchSpace(Enumerable.Range(0, 8).Select(i => (Dimension)new IntDimension($"d{i}", 0, 1_000_000)).ToArray());
        Assert.Throws<ArgumentException>(() => GridSampler.Size(space));
    }
}

using CsCheck;

namespace FocusedQuantization.Search.Tests;

public class ParetoSortingTests
{
    private static readonly Gen<double[][]> PointSets =
        Gen.Int[1, 3].SelectMany(m => Gen.Int[0, 6].Array[m].Select(p => p.Select(v => (double)v).ToArray()).Array[0, 30]);

    [Fact]
    public void Ranks_peel_fronts_in_order()
    {
        double[][] values = [[1, 5], [2, 2], [5, 1], [3, 3], [6, 6], [2, 6], [4, 4]];
        Assert.Equal([0, 0, 0, 1, 3, 1, 2], ParetoSorting.Ranks(values));
    }

    [Fact]
    public void Constraint_domination_puts_feasible_first_then_smaller_violation()
    {
        // The infeasible point (0, 0) would dominate everything; it goes behind every feasible one instead.
        double[][] values = [[0, 0], [5, 5], [1, 9], [0, 1]];
        double[] violations = [0.5, 0, 0, 2];
        Assert.Equal([1, 0, 0, 2], ParetoSorting.Ranks(values, violations));
        Assert.True(ParetoSorting.ConstrainedDominates([9, 9], 0, [0, 0], 0.1));
        Assert.True(ParetoSorting.ConstrainedDominates([9, 9], 0.1, [0, 0], 0.2));
        Assert.False(ParetoSorting.ConstrainedDominates([0, 0], 0.2, [9, 9], 0.2));
    }

    [Fact]
    public void Every_point_is_undominated_within_its_front_and_dominated_from_the_front_before()
    {
        PointSets.Sample(points =>
        {
            var ranks = ParetoSorting.Ranks(points);
            for (var i = 0; i < points.Length; i++)
            {
                for (var j = 0; j < points.Length; j++)
                    if (ParetoSorting.Dominates(points[j], points[i])) Assert.True(ranks[j] < ranks[i]);
                if (ranks[i] > 0)
                    Assert.Contains(Enumerable.Range(0, points.Length), j => ranks[j] == ranks[i] - 1 && ParetoSorting.Dominates(points[j], points[i]));
            }
        });
    }

    [Fact]
    public void Ranks_do_not_depend_on_the_order_of_the_points()
    {
        PointSets.Select(Gen.Int).Sample((points, seed) =>
        {
            var ranks = ParetoSorting.Ranks(points);
            var order = Enumerable.Range(0, points.Length).ToArray();
            new Random(seed).Shuffle(order);
            var shuffled = ParetoSorting.Ranks(order.Select(i => points[i]).ToArray());
            for (var k = 0; k < order.Length; k++) Assert.Equal(ranks[order[k]], shuffled[k]);
        });
    }

    [Fact]
    public void Crowding_gives_the_extremes_infinity_and_the_rest_their_normalized_neighbour_gaps()
    {
        double[][] values = [[0, 4], [1, 3], [3, 1], [4, 0]];
        var distance = ParetoSorting.CrowdingDistance(values, [0, 1, 2, 3]);
        Assert.True(double.IsPositiveInfinity(distance[0]));
        Assert.True(double.IsPositiveInfinity(distance[3]));
        // (3 - 0) / 4 in each objective.
        Assert.Equal(1.5, distance[1], 12);
        Assert.Equal(1.5, distance[2], 12);
    }

    [Fact]
    public void Crowding_of_duplicates_is_deterministic()
    {
        double[][] values = [[0, 2], [1, 1], [1, 1], [2, 0]];
        var first = ParetoSorting.CrowdingDistance(values, [0, 1, 2, 3]);
        Assert.Equal(first, ParetoSorting.CrowdingDistance(values, [0, 1, 2, 3]));
        Assert.All(first, d => Assert.True(d >= 0));
    }
}

using CsCheck;
using FocusedQuantization.Grains.Interfaces;

namespace FocusedQuantization.Grains.Tests;

public sealed class ParetoFrontTests
{
    // Coarse coordinates make equal top-1s, equal ratios and exact duplicates common.
    private static readonly Gen<List<ParetoPoint>> PointSets =
        Gen.Select(Gen.Int[0, 8], Gen.Int[0, 8]).List[0, 25].Select(coordinates =>
            coordinates.Select((c, i) => new ParetoPoint($"t{i}", 1 + c.Item1 * 0.5, 0.5 + c.Item2 * 0.05)).ToList());

    private static bool Dominates(ParetoPoint a, ParetoPoint b) =>
        a.CompressionRatio >= b.CompressionRatio && a.Top1 >= b.Top1
        && (a.CompressionRatio > b.CompressionRatio || a.Top1 > b.Top1);

    private static HashSet<string> BruteForceFrontIds(List<ParetoPoint> points) =>
        points.Where(p => !points.Any(q => Dominates(q, p))).Select(p => p.Id).ToHashSet();

    // Area of the union of the rectangles [reference, point], measured cell by cell on the grid their corners span.
    private static double BruteForceHypervolume(List<ParetoPoint> points, double referenceRatio, double referenceTop1)
    {
        var boxes = points.Where(p => p.CompressionRatio > referenceRatio && p.Top1 > referenceTop1).ToList();
        var xs = boxes.Select(p => p.CompressionRatio).Append(referenceRatio).Distinct().Order().ToList();
        var ys = boxes.Select(p => p.Top1).Append(referenceTop1).Distinct().Order().ToList();
        var area = 0.0;
        for (var i = 0; i + 1 < xs.Count; i++)
        for (var j = 0; j + 1 < ys.Count; j++)
        {
            double midX = (xs[i] + xs[i + 1]) / 2, midY = (ys[j] + ys[j + 1]) / 2;
            if (boxes.Any(p => p.CompressionRatio >= midX && p.Top1 >= midY))
                area += (xs[i + 1] - xs[i]) * (ys[j + 1] - ys[j]);
        }
        return area;
    }

    [Fact]
    public void The_front_holds_exactly_the_points_no_other_point_dominates() =>
        PointSets.Sample(points =>
            Assert.Equal(BruteForceFrontIds(points), ParetoFront.Compute(points).Select(p => p.Id).ToHashSet()));

    [Fact]
    public void The_front_is_sorted_by_top1_descending_then_ratio_descending_then_id() =>
        PointSets.Sample(points =>
        {
            var front = ParetoFront.Compute(points);
            var expected = front.OrderByDescending(p => p.Top1).ThenByDescending(p => p.CompressionRatio)
                .ThenBy(p => p.Id, StringComparer.Ordinal);
            Assert.Equal(expected, front);
        });

    [Fact]
    public void Along_the_front_a_lower_top1_always_buys_a_higher_ratio() =>
        PointSets.Sample(points =>
        {
            var front = ParetoFront.Compute(points);
            for (var i = 1; i < front.Count; i++)
            {
                var duplicate = front[i].Top1 == front[i - 1].Top1 && front[i].CompressionRatio == front[i - 1].CompressionRatio;
                Assert.True(duplicate || (front[i].Top1 < front[i - 1].Top1 && front[i].CompressionRatio > front[i - 1].CompressionRatio));
            }
        });

    [Fact]
    public void The_front_does_not_depend_on_the_order_of_the_input() =>
        PointSets.Select(Gen.Int).Sample((points, seed) =>
        {
            var shuffled = points.ToArray();
            new Random(seed).Shuffle(shuffled);
            Assert.Equal(ParetoFront.Compute(points), ParetoFront.Compute(shuffled));
        });

    [Fact]
    public void Exact_duplicates_on_the_front_are_all_kept()
    {
        var points = new[]
        {
            new ParetoPoint("b", 10, 0.9), new ParetoPoint("a", 10, 0.9), new ParetoPoint("c", 20, 0.8),
            new ParetoPoint("d", 5, 0.9),
        };

        var front = ParetoFront.Compute(points);

        Assert.Equal(["a", "b", "c"], front.Select(p => p.Id));
    }

    [Fact]
    public void A_tie_in_one_coordinate_is_won_by_the_better_other_coordinate()
    {
        var points = new[]
        {
            new ParetoPoint("same-top1-less-ratio", 8, 0.9), new ParetoPoint("best", 10, 0.9),
            new ParetoPoint("same-ratio-less-top1", 10, 0.85),
        };

        Assert.Equal(["best"], ParetoFront.Compute(points).Select(p => p.Id));
    }

    [Fact]
    public void Empty_input_gives_an_empty_front_and_no_hypervolume()
    {
        Assert.Empty(ParetoFront.Compute([]));
        Assert.Equal(0.0, ParetoFront.Hypervolume([], 1, 0.5));
    }

    [Fact]
    public void Non_finite_coordinates_are_rejected_with_the_point_named()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            ParetoFront.Compute([new ParetoPoint("ok", 2, 0.9), new ParetoPoint("broken", double.NaN, 0.9)]));
        Assert.Contains("broken", error.Message);
        Assert.Throws<ArgumentException>(() => ParetoFront.Hypervolume([new ParetoPoint("x", 2, 0.9)], 1, double.NaN));
    }

    [Fact]
    public void The_hypervolume_equals_the_area_of_the_union_of_the_dominated_rectangles() =>
        PointSets.Select(Gen.Int[0, 4], Gen.Int[0, 6]).Sample((points, refX, refY) =>
        {
            double referenceRatio = 1 + refX * 0.5, referenceTop1 = 0.5 + refY * 0.05;
            var expected = BruteForceHypervolume(points, referenceRatio, referenceTop1);
            Assert.Equal(expected, ParetoFront.Hypervolume(points, referenceRatio, referenceTop1), 1e-9);
        });

    [Fact]
    public void The_hypervolume_of_a_staircase_is_the_sum_of_its_steps()
    {
        // Reference (1, 0.5): strips [1,2] x 0.4, [2,4] x 0.3 and [4,8] x 0.1; the last point is below the reference.
        var points = new[]
        {
            new ParetoPoint("a", 2, 0.9), new ParetoPoint("b", 4, 0.8), new ParetoPoint("c", 8, 0.6),
            new ParetoPoint("dominated", 3, 0.7), new ParetoPoint("below", 16, 0.4),
        };

        Assert.Equal(1 * 0.4 + 2 * 0.3 + 4 * 0.1, ParetoFront.Hypervolume(points, 1, 0.5), 1e-12);
    }
}

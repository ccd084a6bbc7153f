using FocusedQuantization.Grains.Interfaces;

namespace FocusedQuantization.Grains.Tests;

public sealed class IncrementalParetoFrontTests
{
    [Fact]
    public void The_front_kept_point_by_point_equals_the_front_computed_at_once_with_or_without_a_minimum_top1()
    {
        for (var run = 0; run < 300; run++)
        {
            var random = new Random(run);
            // Coarse coordinates, so that ties and exact duplicates happen.
            var points = Enumerable.Range(0, random.Next(0, 60))
                .Select(i => new ParetoPoint($"t{i:D3}", random.Next(1, 15), 80 + random.Next(0, 12) * 0.5)).ToArray();
            var front = new IncrementalParetoFront();
            foreach (var point in points) front.Add(point);

            Assert.Equal(ParetoFront.Compute(points), front.Ordered());
            var minimum = 80 + random.Next(0, 12) * 0.5;
            Assert.Equal(ParetoFront.Compute(points.Where(p => p.Top1 >= minimum)), front.Ordered(minimum));
        }
    }

    [Fact]
    public void A_dominated_point_is_ignored_and_a_dominating_one_drops_what_it_dominates()
    {
        var front = new IncrementalParetoFront();
        Assert.True(front.Add(new ParetoPoint("a", 10, 80)));
        Assert.False(front.Add(new ParetoPoint("b", 9, 79)));
        Assert.True(front.Add(new ParetoPoint("c", 10, 80)));
        Assert.True(front.Add(new ParetoPoint("d", 11, 81)));
        Assert.Equal(["d"], front.Points.Select(p => p.Id));
        Assert.False(front.Add(new ParetoPoint("nan", double.NaN, 99)));
    }
}

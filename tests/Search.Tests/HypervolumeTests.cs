using CsCheck;

namespace FocusedQuantization.Search.Tests;

public class HypervolumeTests
{
    /// <summary>Small sets of integer points in [0, 6)^d with d from 1 to 5, and the reference (6, .., 6).</summary>
    private static readonly Gen<(double[][] Points, double[] Reference)> IntegerSets =
        Gen.Int[1, 5].SelectMany(d => Gen.Int[0, 6].Array[d].Array[0, 12].Select(points =>
            (points.Select(p => p.Select(v => (double)v).ToArray()).ToArray(), Enumerable.Repeat(6.0, d).ToArray())));

    /// <summary>Real points in [0, 1]^d, d from 2 to 5, a few outside the reference (1, .., 1), up to 9 points (inclusion-exclusion stays cheap).</summary>
    private static readonly Gen<(double[][] Points, double[] Reference)> RealSets =
        Gen.Int[2, 5].SelectMany(d => Gen.Double[0, 1.1].Array[d].Array[0, 9].Select(points => (points, Enumerable.Repeat(1.0, d).ToArray())));

    /// <summary>Counts the unit cells of the reference box some point dominates.</summary>
    private static double GridCount(double[][] points, double[] reference)
    {
        var d = reference.Length;
        var size = (int)reference[0];
        var count = 0;
        var cell = new int[d];
        for (var index = 0; index < (int)Math.Pow(size, d); index++)
        {
            for (int m = 0, rest = index; m < d; m++, rest /= size) cell[m] = rest % size;
            if (points.Any(p => Enumerable.Range(0, d).All(m => p[m] <= cell[m]))) count++;
        }
        return count;
    }

    /// <summary>Inclusion-exclusion over every non-empty subset: the volume of a union of boxes.</summary>
    private static double InclusionExclusion(double[][] points, double[] reference)
    {
        var inside = points.Where(p => p.Zip(reference).All(t => t.First < t.Second)).ToArray();
        var total = 0.0;
        for (var mask = 1; mask < 1 << inside.Length; mask++)
        {
            var volume = 1.0;
            for (var m = 0; m < reference.Length; m++)
            {
                var corner = double.NegativeInfinity;
                for (var i = 0; i < inside.Length; i++)
                    if ((mask >> i & 1) == 1) corner = Math.Max(corner, inside[i][m]);
                volume *= reference[m] - corner;
            }
            total += System.Numerics.BitOperations.PopCount((uint)mask) % 2 == 1 ? volume : -volume;
        }
        return total;
    }

    [Fact]
    public void Matches_a_grid_count_on_integer_points()
    {
        IntegerSets.Sample(set => Assert.Equal(GridCount(set.Points, set.Reference), Hypervolume.Compute(set.Points, set.Reference), tolerance: 1e-9));
    }

    [Fact]
    public void Matches_inclusion_exclusion_on_real_points()
    {
        RealSets.Sample(set => Assert.Equal(InclusionExclusion(set.Points, set.Reference), Hypervolume.Compute(set.Points, set.Reference), tolerance: 1e-9));
    }

    [Fact]
    public void Known_values()
    {
        Assert.Equal(0, Hypervolume.Compute([], [1.0, 1.0]));
        Assert.Equal(3, Hypervolume.Compute([[1.0, 2.0], [2.0, 1.0]], [3.0, 3.0]), 12);
        // Three boxes of a 3-D staircase: 3*2*1 + 2*1*2 ... counted by hand as the union.
        Assert.Equal(InclusionExclusion([[0, 1, 2], [1, 2, 0], [2, 0, 1]], [3, 3, 3]), Hypervolume.Compute([[0.0, 1, 2], [1.0, 2, 0], [2.0, 0, 1]], [3.0, 3, 3]), 12);
        // A point on the reference's boundary, or beyond it, adds nothing.
        Assert.Equal(0, Hypervolume.Compute([[3.0, 1.0], [1.0, 3.5]], [3.0, 3.0]));
    }

    [Fact]
    public void Adding_a_point_never_lowers_it_and_adding_a_dominated_point_changes_nothing()
    {
        RealSets.Select(Gen.Double[0, 1.1].Array[5], Gen.Double[0, 1].Array[5]).Sample((set, extra, stretch) =>
        {
            var d = set.Reference.Length;
            var before = Hypervolume.Compute(set.Points, set.Reference);
            var added = extra[..d];
            Assert.True(Hypervolume.Compute([.. set.Points, added], set.Reference) >= before - 1e-12);
            if (set.Points.Length == 0) return;
            // A point moved away from an existing one (toward the reference) is dominated by it.
            var dominated = set.Points[0].Select((v, m) => v + stretch[m] * Math.Max(0, set.Reference[m] - v)).ToArray();
            Assert.Equal(before, Hypervolume.Compute([.. set.Points, dominated], set.Reference), tolerance: 1e-9);
        });
    }

    [Fact]
    public void Does_not_depend_on_order_and_scales_with_the_objectives()
    {
        RealSets.Select(Gen.Int, Gen.Double[0.5, 3]).Sample((set, seed, scale) =>
        {
            var volume = Hypervolume.Compute(set.Points, set.Reference);
            var shuffled = set.Points.ToArray();
            new Random(seed).Shuffle(shuffled);
            Assert.Equal(volume, Hypervolume.Compute(shuffled, set.Reference), tolerance: 1e-9);
            // Stretching objective 0 by a factor stretches the volume by it.
            var stretched = set.Points.Select(p => p.Select((v, m) => m == 0 ? v * scale : v).ToArray()).ToArray();
            var reference = set.Reference.Select((v, m) => m == 0 ? v * scale : v).ToArray();
            Assert.Equal(volume * scale, Hypervolume.Compute(stretched, reference), tolerance: 1e-9);
        });
    }

    [Fact]
    public void Contributions_are_the_volume_lost_without_each_point()
    {
        RealSets.Sample(set =>
        {
            var all = Hypervolume.Compute(set.Points, set.Reference);
            var contributions = Hypervolume.Contributions(set.Points, set.Reference);
            for (var i = 0; i < set.Points.Length; i++)
            {
                var without = Hypervolume.Compute(set.Points.Where((_, j) => j != i).ToArray(), set.Reference);
                Assert.Equal(all - without, contributions[i], tolerance: 1e-9);
            }
        });
    }

    [Fact]
    public void Contributions_of_dominated_duplicated_and_outside_points_are_zero()
    {
        double[][] points = [[1, 2], [2, 1], [2, 2], [1, 2], [0.5, 3], [3.5, 0]];
        var contributions = Hypervolume.Contributions(points, [3.0, 3.0]);
        // (1,2) twice: either copy can go. (2,2) is dominated. (0.5,3) and (3.5,0) are outside the reference.
        Assert.Equal([0, 1, 0, 0, 0, 0], contributions.Select(c => Math.Round(c, 12)).ToArray());
        // A point on the same level as a neighbour only owns what the neighbour does not cover.
        Assert.Equal(1, Hypervolume.Contributions([[1.0, 2.0], [2.0, 2.0], [2.0, 1.0]], [3.0, 3.0])[0], 12);
        Assert.Equal(1, Hypervolume.Contribution([1.0, 1.0], [[1.0, 2.0], [2.0, 1.0]], [3.0, 3.0]), 12);
    }

    [Fact]
    public void A_three_objective_front_of_a_hundred_points_matches_the_wfg_recursion_through_a_fourth_flat_objective()
    {
        var random = new Random(5);
        var points = Enumerable.Range(0, 100).Select(_ =>
        {
            var a = random.NextDouble() * Math.PI / 2;
            var b = random.NextDouble() * Math.PI / 2;
            return new[] { Math.Cos(a) * Math.Cos(b), Math.Cos(a) * Math.Sin(b), Math.Sin(a) };
        }).ToArray();
        var volume = Hypervolume.Compute(points, [1.1, 1.1, 1.1]);
        // A fourth objective equal for all points multiplies the volume by its slab, through the n-D path.
        var lifted = Hypervolume.Compute(points.Select(p => new[] { p[0], p[1], p[2], 0.5 }).ToArray(), [1.1, 1.1, 1.1, 1.5]);
        Assert.Equal(volume, lifted, tolerance: 1e-9);
        Assert.InRange(volume, 1.1 * 1.1 * 1.1 - 1.0 - 0.1, 1.1 * 1.1 * 1.1 - Math.PI / 6);
    }
}

using CsCheck;

namespace FocusedQuantization.Search.Tests;

/// <summary>The pieces inside NSGA-II and MOTPE: the parent pool, the variation operators, the good/bad split.</summary>
public class SamplerInternalsTests
{
    private static readonly SearchSpace Line = new([new FloatDimension("x", 0, 1)]);

    private static Observation Trial(int number, double f1, double f2, double violation = 0, ObservationState state = ObservationState.Complete) =>
        new(number, new Point(new Dictionary<string, double> { ["x"] = number / 100.0 }), state, [f1, f2], violation);

    [Fact]
    public void The_parent_pool_takes_whole_fronts_then_the_least_crowded_of_the_last()
    {
        Observation[] trials =
        [
            Trial(0, 0, 10), Trial(1, 10, 0), Trial(2, 5, 5), // first front
            Trial(3, 1, 11), Trial(4, 2, 10.5), Trial(5, 6, 6), Trial(6, 11, 1), // second front
            Trial(7, 0, 0, violation: 1), // infeasible: last, whatever its values
        ];
        var (pool, rank, crowding) = Nsga2Sampler.ParentPool(trials, 5);
        Assert.Equal([0, 1, 2], pool.Take(3).Select(o => o.Number).Order());
        Assert.All(rank.Take(3), r => Assert.Equal(0, r));
        // Of the second front, its two extremes (3 and 6) are infinitely uncrowded.
        Assert.Equal([3, 6], pool.Skip(3).Select(o => o.Number).Order());
        Assert.All(crowding.Skip(3), c => Assert.True(double.IsPositiveInfinity(c)));
        Assert.DoesNotContain(pool, o => o.Number == 7);
    }

    [Fact]
    public void Crossover_and_mutation_stay_in_the_unit_interval()
    {
        Gen.Select(Gen.Double[0, 1], Gen.Double[0, 1], Gen.Int).Sample((x, y, seed) =>
        {
            var random = new Random(seed);
            Assert.InRange(Nsga2Sampler.Sbx(x, y, random), 0, 1);
            Assert.InRange(Nsga2Sampler.Polynomial(x, random), 0, 1);
        });
    }

    [Fact]
    public void Sbx_children_spread_around_the_parents()
    {
        var random = new Random(1);
        var children = Enumerable.Range(0, 4000).Select(_ => Nsga2Sampler.Sbx(0.4, 0.6, random)).ToArray();
        // Symmetric around the parents' middle, mostly near the parents.
        Assert.InRange(children.Average(), 0.49, 0.51);
        Assert.InRange(children.Count(c => c is > 0.3 and < 0.7) / 4000.0, 0.9, 1.0);
    }

    [Fact]
    public void Motpe_puts_the_best_ranks_in_the_good_group_and_failed_running_and_infeasible_trials_in_the_bad_one()
    {
        var trials = new List<Observation>();
        // 40 feasible trials on two fronts' worth of values, then infeasible, failed and running ones.
        for (var n = 0; n < 40; n++) trials.Add(Trial(n, n % 20, 20 - n % 20 + (n >= 20 ? 5 : 0)));
        trials.Add(Trial(40, -5, -5, violation: 0.5));
        trials.Add(new Observation(41, Trial(41, 0, 0).Point, ObservationState.Failed));
        trials.Add(new Observation(42, Trial(42, 0, 0).Point, ObservationState.Running));
        var sampler = new MotpeSampler(1);
        var (good, weights, bad) = sampler.Split(new History(Line, trials, 43));
        // 42 finished: ceil(4.2) = 5 good, all from the first front (numbers 0..19).
        Assert.Equal(5, good.Count);
        Assert.All(good, o => Assert.InRange(o.Number, 0, 19));
        Assert.Equal(5, weights.Length);
        Assert.All(weights, w => Assert.InRange(w, 0.0, 1.0));
        Assert.Contains(bad, o => o.Number == 40);
        Assert.Contains(bad, o => o.Number == 41);
        Assert.Contains(bad, o => o.Number == 42);
        Assert.Equal(43, good.Count + bad.Count);
        // The cut of the first front spreads out: its two ends are kept (they add the most hypervolume first).
        Assert.Contains(good, o => o.Number == 0);
    }

    [Fact]
    public void Motpe_fills_the_good_group_with_the_least_violating_trials_when_too_few_are_feasible()
    {
        var trials = Enumerable.Range(0, 30).Select(n => Trial(n, n, -n, violation: n < 1 ? 0 : n)).ToList();
        var (good, _, bad) = new MotpeSampler(1).Split(new History(Line, trials, 30));
        Assert.Equal([0, 1, 2], good.Select(o => o.Number));
        Assert.Equal(27, bad.Count);
    }

    [Fact]
    public void The_parzen_estimator_draws_near_its_points_and_scores_them_higher()
    {
        var space = new SearchSpace([new FloatDimension("x", 0, 1), new CategoricalDimension("c", ["a", "b", "c"])]);
        double[][] points = [[0.2, 0], [0.25, 0], [0.22, 0]];
        var estimator = new ParzenEstimator(space, points, [1.0, 1.0, 1.0], 1.0, [[0.05, 0], [0.05, 0], [0.05, 0]]);
        var random = new Random(3);
        var draws = Enumerable.Range(0, 2000).Select(_ => estimator.Sample(random)).ToArray();
        Assert.InRange(draws.Count(d => Math.Abs(d[0] - 0.22) < 0.15) / 2000.0, 0.6, 1.0);
        Assert.InRange(draws.Count(d => d[1] == 0) / 2000.0, 0.6, 1.0);
        Assert.True(estimator.LogDensity([0.22, 0]) > estimator.LogDensity([0.8, 0]));
        Assert.True(estimator.LogDensity([0.22, 0]) > estimator.LogDensity([0.22, 2]));
        // A density: it integrates to about 1 over x for each choice summed.
        var integral = 0.0;
        for (var c = 0; c < 3; c++)
            for (var i = 0; i < 1000; i++) integral += Math.Exp(estimator.LogDensity([(i + 0.5) / 1000, c])) / 1000;
        Assert.Equal(1.0, integral, 2);
    }

    [Fact]
    public void The_unit_scale_round_trips_and_maps_uniform_draws_to_uniform_values()
    {
        Dimension[] dims =
        [
            new FloatDimension("f", -2, 3), new FloatDimension("l", 1e-4, 1, Log: true), new FloatDimension("s", 0.8, 0.99, Step: 0.01),
            new IntDimension("i", 2, 8), new IntDimension("li", 1, 1024, Log: true), new IntDimension("si", 0, 100, Step: 25),
        ];
        foreach (var d in dims)
        {
            var random = new Random(2);
            for (var k = 0; k < 200; k++)
            {
                var v = UnitScale.FromUnit(d, random.NextDouble());
                Assert.True(d.Contains(v), $"{d.Name}: {v}");
                Assert.Equal(v, UnitScale.FromUnit(d, UnitScale.ToUnit(d, v)), tolerance: 1e-9);
            }
        }
        // Every integer of 2..8 about equally often.
        var counts = new int[7];
        var draw = new Random(4);
        for (var k = 0; k < 7000; k++) counts[(int)RandomSampler.Draw(dims[3], draw) - 2]++;
        Assert.All(counts, c => Assert.InRange(c, 850, 1150));
        // A log integer: 1..1024 log-uniform over [0.5, 1024.5] (each end value gets its half unit), so 1..32 takes
        // (ln 32.5 - ln 0.5) / (ln 1024.5 - ln 0.5) = 55 % of the draws.
        var low = Enumerable.Range(0, 4000).Count(_ => RandomSampler.Draw(dims[4], draw) <= 32);
        Assert.InRange(low, 2030, 2350);
    }
}

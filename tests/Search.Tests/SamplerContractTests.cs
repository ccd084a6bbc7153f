using CsCheck;

namespace FocusedQuantization.Search.Tests;

/// <summary>What every sampler promises: valid points, conditions honoured, and a pure function of its inputs.</summary>
public class SamplerContractTests
{
    /// <summary>A dimension recipe: kind, a size, a low end, whether log, and which earlier categorical (if any) guards it.</summary>
    private static readonly Gen<(int Kind, int Size, int Low, bool Log, int Guard, int Mask)> DimensionRecipes =
        Gen.Select(Gen.Int[0, 5], Gen.Int[1, 6], Gen.Int[-3, 3], Gen.Bool, Gen.Int[0, 9], Gen.Int[1, 15]);

    private static readonly Gen<SearchSpace> Spaces = DimensionRecipes.Array[1, 7].Select(Build);

    private static readonly Gen<SearchSpace> DiscreteSpaces = DimensionRecipes.Array[1, 5]
        .Select(recipes => Build(recipes.Select(r => r with { Kind = r.Kind switch { 0 => 2, 3 => 4, var k => k } }).ToArray()));

    private static SearchSpace Build((int Kind, int Size, int Low, bool Log, int Guard, int Mask)[] recipes)
    {
        var dims = new List<Dimension>();
        for (var i = 0; i < recipes.Length; i++)
        {
            var (kind, size, low, log, guard, mask) = recipes[i];
            Dimension d = kind switch
            {
                0 => new FloatDimension($"d{i}", low, low + size * 0.7),
                1 => new FloatDimension($"d{i}", low, low + size * 0.5, Step: 0.5),
                2 => new IntDimension($"d{i}", low, low + size - 1),
                3 => new FloatDimension($"d{i}", 1e-3 * size, 10.0 * size, Log: log),
                4 => new IntDimension($"d{i}", size, size * 40, Log: log, Step: log ? 1 : size),
                _ => new CategoricalDimension($"d{i}", Enumerable.Range(0, size).Select(c => $"c{c}").ToArray()),
            };
            // Guard by an earlier categorical on a non-empty subset of its choices.
            var parents = dims.OfType<CategoricalDimension>().ToArray();
            if (parents.Length > 0 && guard < 4)
            {
                var parent = parents[guard % parents.Length];
                var choices = parent.Choices.Where((_, c) => (mask >> (c % 4) & 1) == 1).ToArray();
                if (choices.Length > 0) d = d with { When = new Condition(parent.Name, choices) };
            }
            dims.Add(d);
        }
        return new SearchSpace(dims);
    }

    /// <summary>A history of random points with random states, values and violations.</summary>
    private static List<Observation> History(SearchSpace space, int seed, int count)
    {
        var random = new Random(seed);
        var points = new RandomSampler(seed + 1);
        var history = new List<Observation>();
        for (var n = 0; n < count; n++)
        {
            var state = random.Next(10) switch { 0 => ObservationState.Running, 1 => ObservationState.Failed, 2 => ObservationState.Stopped, _ => ObservationState.Complete };
            var values = state is ObservationState.Complete or ObservationState.Stopped ? new[] { random.NextDouble(), random.NextDouble() * 3 } : null;
            history.Add(new Observation(n, points.Ask(space, [], n), state, values, random.Next(4) == 0 ? random.NextDouble() : 0));
        }
        return history;
    }

    private static ISampler[] Samplers(int seed) =>
        [new RandomSampler(seed), new Nsga2Sampler(seed, population: 4, startup: 4), new MotpeSampler(seed, startup: 3, candidates: 16)];

    private static void AssertValid(SearchSpace space, Point point)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var d in space.Dimensions)
        {
            var active = SearchSpace.IsActive(d, values, space);
            Assert.Equal(active, point.Has(d.Name));
            if (!active) continue;
            Assert.True(d.Contains(point[d.Name]), $"{d} does not contain {point[d.Name]}");
            values[d.Name] = point[d.Name];
        }
        Assert.Equal(values.Count, point.Values.Count);
    }

    [Fact]
    public void Every_sampler_asks_valid_points_that_honour_conditions()
    {
        Gen.Select(Spaces, Gen.Int[0, 1000], Gen.Int[0, 40]).Sample((space, seed, count) =>
        {
            var history = History(space, seed, count);
            foreach (var sampler in Samplers(seed))
                AssertValid(space, sampler.Ask(space, history, count));
        }, iter: 150);
    }

    [Fact]
    public void Every_sampler_is_a_pure_function_of_seed_space_history_and_number()
    {
        Gen.Select(Spaces, Gen.Int[0, 1000], Gen.Int[0, 40]).Sample((space, seed, count) =>
        {
            var history = History(space, seed, count);
            var shuffled = history.ToArray();
            new Random(seed).Shuffle(shuffled);
            foreach (var (first, second) in Samplers(seed).Zip(Samplers(seed)))
            {
                var point = TestProblems.Describe(space, first.Ask(space, history, count));
                // A fresh instance, the same history listed in another order, and a repeat ask all agree.
                Assert.Equal(point, TestProblems.Describe(space, second.Ask(space, shuffled, count)));
                Assert.Equal(point, TestProblems.Describe(space, first.Ask(space, history, count)));
            }
        }, iter: 60);
    }

    [Fact]
    public void The_grid_sampler_asks_valid_points_on_discrete_spaces()
    {
        Gen.Select(DiscreteSpaces, Gen.Int[0, 1000]).Sample((space, number) =>
        {
            var size = GridSampler.Size(space);
            AssertValid(space, new GridSampler().Ask(space, [], number));
            AssertValid(space, new GridSampler(number).Ask(space, [], (int)(number % size)));
        });
    }

    [Fact]
    public void The_trial_being_asked_is_left_out_of_the_history()
    {
        var space = TestProblems.Sphere;
        var history = TestProblems.Run(new RandomSampler(1), space, TestProblems.SphereTrial, 30);
        foreach (var sampler in Samplers(2))
        {
            var without = sampler.Ask(space, history, 30);
            var with = sampler.Ask(space, [.. history, new Observation(30, without, ObservationState.Running)], 30);
            Assert.Equal(TestProblems.Describe(space, without), TestProblems.Describe(space, with));
        }
    }

    [Fact]
    public void Model_based_samplers_do_not_ask_a_visited_point_of_a_discrete_space_again()
    {
        // 4 x 4 x 3 = 48 points; 40 trials leave 8 unvisited, so repeats would be easy to fall into.
        var space = new SearchSpace([new IntDimension("a", 0, 3), new IntDimension("b", 0, 3), new CategoricalDimension("c", ["x", "y", "z"])]);
        Observation Evaluate(int n, Point p) => new(n, p, ObservationState.Complete, [p["a"] + p["c"], p["b"] + (2 - p["c"])]);
        foreach (ISampler sampler in new ISampler[] { new Nsga2Sampler(4, population: 8), new MotpeSampler(4, startup: 5) })
        {
            var history = TestProblems.Run(sampler, space, Evaluate, 40);
            var keys = history.Select(o => TestProblems.Describe(space, o.Point)).ToList();
            Assert.Equal(keys.Count, keys.Distinct().Count());
        }
    }

    [Fact]
    public void Running_trials_count_as_visited_so_parallel_asks_differ()
    {
        var space = new SearchSpace([new IntDimension("a", 0, 5), new IntDimension("b", 0, 5)]);
        Observation Evaluate(int n, Point p) => new(n, p, ObservationState.Complete, [p["a"], p["b"] + 5 - p["a"]]);
        foreach (ISampler sampler in new ISampler[] { new Nsga2Sampler(1, population: 6), new MotpeSampler(1, startup: 6) })
        {
            var history = TestProblems.Run(new GridSampler(9), space, Evaluate, 12);
            // Four asks in flight at once, each seeing the earlier ones as running.
            for (var n = 12; n < 16; n++) history.Add(new Observation(n, sampler.Ask(space, history, n), ObservationState.Running));
            var keys = history.Select(o => TestProblems.Describe(space, o.Point)).ToList();
            Assert.Equal(keys.Count, keys.Distinct().Count());
        }
    }

    [Fact]
    public void Warm_started_trials_with_negative_numbers_count_as_history()
    {
        var space = TestProblems.Sphere;
        var earlier = TestProblems.Run(new RandomSampler(11), space, TestProblems.SphereTrial, 30)
            .Select(o => o with { Number = o.Number - 30 }).ToList();
        foreach (ISampler sampler in new ISampler[] { new Nsga2Sampler(3), new MotpeSampler(3) })
        {
            var point = sampler.Ask(space, earlier, 0);
            AssertValid(space, point);
            // Past its startup on the earlier trials alone, so not the random draw it would make on an empty history.
            Assert.NotEqual(TestProblems.Describe(space, sampler.Ask(space, [], 0)), TestProblems.Describe(space, point));
        }
    }
}

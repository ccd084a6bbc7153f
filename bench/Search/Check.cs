using System.Globalization;
using System.Text.Json.Nodes;
using FocusedQuantization.Benchmarks.Search.Problems;
using FocusedQuantization.Search;

namespace FocusedQuantization.Benchmarks.Search;

/// <summary>
/// `--check`: that both implementations of every problem agree at fixed points (the corners, the centre and 17 seeded
/// random points, to 1e-9 relative), and that the hypervolume agrees with inclusion-exclusion on small random sets.
/// </summary>
public static class Check
{
    public const double Tolerance = 1e-9;

    public const int Points = 20;

    public static bool Agree(double[]? ours, double[]? theirs, out string difference)
    {
        difference = "";
        if (ours is null || theirs is null)
        {
            difference = ours is null && theirs is null ? "" : $"one side failed ({Show(ours)} against {Show(theirs)})";
            return ours is null && theirs is null;
        }
        if (ours.Length != theirs.Length)
        {
            difference = $"{ours.Length} objectives against {theirs.Length}";
            return false;
        }
        for (var i = 0; i < ours.Length; i++)
            if (!(Math.Abs(ours[i] - theirs[i]) <= Tolerance * Math.Max(1, Math.Abs(ours[i]))))
            {
                difference = $"{Show(ours)} against {Show(theirs)}";
                return false;
            }
        return true;
    }

    public static async Task<bool> RunAsync(IReadOnlyList<IProblem> problems, CancellationToken cancellationToken)
    {
        var ok = CheckHypervolume();
        foreach (var problem in problems)
        {
            var points = FixedPoints(problem.Space);
            var request = new JsonObject
            {
                ["mode"] = "check",
                ["problem"] = problem.Describe(),
                ["points"] = new JsonArray([.. points.Select(p => (JsonNode)new JsonObject([.. p.Values.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value))]))]),
            };
            var lines = new List<string>();
            await foreach (var line in OptunaRun.CallAsync(request, cancellationToken)) lines.Add(line);
            var theirs = JsonNode.Parse(lines.Single())!.AsArray();
            var worst = 0.0;
            var failures = new List<string>();
            for (var i = 0; i < points.Count; i++)
            {
                var ours = problem.Evaluate(points[i]);
                var other = theirs[i] is JsonArray values ? values.Select(v => v!.GetValue<double>()).ToArray() : null;
                if (!Agree(ours, other, out var difference)) failures.Add($"point {i}: {difference}");
                else if (ours is not null) worst = Math.Max(worst, ours.Zip(other!).Max(p => Math.Abs(p.First - p.Second) / Math.Max(1, Math.Abs(p.First))));
            }
            var front = problem is AnalyticProblem analytic ? FrontResidual(analytic) : 0;
            if (front > Tolerance) failures.Add($"points of the Pareto set miss the front's equation by {front:G3}");
            var onFront = problem is AnalyticProblem
                ? string.Create(CultureInfo.InvariantCulture, $"; {Points} points of its Pareto set lie on the published front (largest residual {front:G3})")
                : "";
            Console.WriteLine(failures.Count == 0
                ? string.Create(CultureInfo.InvariantCulture, $"check {problem.Name}: C# and numpy agree at {points.Count} points (largest relative difference {worst:G3}){onFront}")
                : $"check {problem.Name}: DIFFER at {failures.Count} of {points.Count} points: {string.Join("; ", failures.Take(3))}");
            ok &= failures.Count == 0;
        }
        return ok & await CheckMotpeMemoAsync(cancellationToken);
    }

    /// <summary>That remembering MOTPE's per-trial computations changes no sampled point: 80 trials of DTLZ2-3 with and without.</summary>
    private static async Task<bool> CheckMotpeMemoAsync(CancellationToken cancellationToken)
    {
        var problem = ProblemCatalog.Create("DTLZ2-3");
        var stock = await OptunaRun.RunAsync(problem, "optuna-motpe", [0], 80, memoizeMotpe: false, cancellationToken);
        var memo = await OptunaRun.RunAsync(problem, "optuna-motpe", [0], 80, memoizeMotpe: true, cancellationToken);
        var same = stock[0].Values.Zip(memo[0].Values).All(p => p.First!.SequenceEqual(p.Second!));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"check optuna-motpe memo: 80 trials of DTLZ2-3, seed 0, {(same ? "the same" : "DIFFERENT")} objectives with and without (sampling {stock[0].SamplingSeconds:F1} s as shipped, {memo[0].SamplingSeconds:F1} s remembered)"));
        return same;
    }

    /// <summary>
    /// The largest residual of the front's published equation over points of the Pareto set (distance variables at
    /// their optimum): ZDT1 and 4 f2 = 1 - sqrt(f1), ZDT2 and 6 f2 = 1 - f1^2, ZDT3 f2 = 1 - sqrt(f1) - f1 sin(10 pi f1),
    /// DTLZ1 sum f = 0.5, DTLZ2-6 sum f^2 = 1, DTLZ7 f_M = 2 (M - sum f_i / 2 (1 + sin(3 pi f_i))). This checks the C#
    /// problems against the papers, where the comparison with numpy only checks that both sides read them alike.
    /// </summary>
    private static double FrontResidual(AnalyticProblem problem)
    {
        var random = new Random(11);
        var worst = 0.0;
        for (var i = 0; i < Points; i++)
        {
            var f = problem.Evaluate(problem.OptimalX(random));
            var m = f.Length;
            var residual = problem.Name switch
            {
                "ZDT1" or "ZDT4" => f[1] - (1 - Math.Sqrt(f[0])),
                "ZDT2" or "ZDT6" => f[1] - (1 - f[0] * f[0]),
                "ZDT3" => f[1] - (1 - Math.Sqrt(f[0]) - f[0] * Math.Sin(10 * Math.PI * f[0])),
                _ when problem.Name.StartsWith("DTLZ1-", StringComparison.Ordinal) => f.Sum() - 0.5,
                _ when problem.Name.StartsWith("DTLZ7-", StringComparison.Ordinal) => f[m - 1] - 2 * (m - f[..^1].Sum(v => v / 2 * (1 + Math.Sin(3 * Math.PI * v)))),
                _ => f.Sum(v => v * v) - 1,
            };
            worst = Math.Max(worst, Math.Abs(residual));
        }
        return worst;
    }

    /// <summary>Every dimension at its low end, at its high end, at its middle, then seeded random draws.</summary>
    private static List<Point> FixedPoints(SearchSpace space)
    {
        Point At(Func<Dimension, double> value) => new(space.Dimensions.ToDictionary(d => d.Name, value, StringComparer.Ordinal));
        var sampler = new RandomSampler(20_260_101);
        return
        [
            At(d => Low(d)),
            At(d => High(d)),
            At(d => d is IntDimension n ? n.ValueAt(n.Cardinality!.Value / 2) : (Low(d) + High(d)) / 2),
            .. Enumerable.Range(0, Points - 3).Select(i => sampler.Ask(space, [], i)),
        ];
    }

    private static double Low(Dimension d) => d switch { FloatDimension f => f.Low, IntDimension n => n.Low, _ => 0 };

    private static double High(Dimension d) => d switch { FloatDimension f => f.High, IntDimension n => n.ValueAt(n.Cardinality!.Value - 1), _ => 0 };

    /// <summary>Search's hypervolume (the one every figure here uses) against inclusion-exclusion over every subset (exact, exponential) on 400 small random sets of 2, 3 and 4 objectives.</summary>
    private static bool CheckHypervolume()
    {
        var random = new Random(7);
        var worst = 0.0;
        for (var round = 0; round < 400; round++)
        {
            var m = 2 + round % 3;
            var reference = Enumerable.Repeat(1.0, m).ToArray();
            // Coarse values so that ties and equal coordinates occur; some points lie outside the reference box.
            var points = Enumerable.Range(0, 1 + random.Next(9)).Select(_ => Enumerable.Range(0, m).Select(_ => random.Next(12) / 10.0).ToArray()).ToList();
            var fast = Hypervolume.Compute(points, reference);
            var exact = InclusionExclusion(points, reference);
            worst = Math.Max(worst, Math.Abs(fast - exact));
        }
        var ok = worst <= 1e-12;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"check hypervolume: Search's Hypervolume.Compute (2-D sweep, 3-D sweep, WFG) {(ok ? "agree with" : "DIFFER from")} inclusion-exclusion on 400 random sets (largest difference {worst:G3})"));
        return ok;
    }

    private static double InclusionExclusion(List<double[]> points, double[] reference)
    {
        var inside = points.Where(p => p.Zip(reference).All(z => z.First < z.Second)).ToArray();
        var total = 0.0;
        for (var mask = 1; mask < 1 << inside.Length; mask++)
        {
            var corner = new double[reference.Length];
            var count = 0;
            for (var i = 0; i < inside.Length; i++)
            {
                if ((mask >> i & 1) == 0) continue;
                count++;
                for (var j = 0; j < corner.Length; j++) corner[j] = count == 1 ? inside[i][j] : Math.Max(corner[j], inside[i][j]);
            }
            var volume = 1.0;
            for (var j = 0; j < corner.Length; j++) volume *= reference[j] - corner[j];
            total += count % 2 == 1 ? volume : -volume;
        }
        return total;
    }

    private static string Show(double[]? values) => values is null ? "failed" : "(" + string.Join(", ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + ")";
}

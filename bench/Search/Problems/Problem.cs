using System.Text.Json.Nodes;
using FocusedQuantization.Search;

namespace FocusedQuantization.Benchmarks.Search.Problems;

/// <summary>A benchmark problem: a search space, objectives that are all minimized, and the hypervolume's reference point.</summary>
public interface IProblem
{
    string Name { get; }

    SearchSpace Space { get; }

    int Objectives { get; }

    /// <summary>The hypervolume reference point (minimized objectives); the same for every sampler.</summary>
    IReadOnlyList<double> Reference { get; }

    /// <summary>The objectives at <paramref name="point"/>, or null when the trial fails there.</summary>
    double[]? Evaluate(Point point);

    /// <summary>The hypervolume of the problem's Pareto front (of a 1,000-point sample of it for the analytic problems): about the most a sampler can reach.</summary>
    double FrontHypervolume { get; }

    /// <summary>What the Optuna peer needs to build the same space and evaluate the same problem (sent as JSON).</summary>
    JsonObject Describe();
}

/// <summary>A closed-form test problem over real variables x0..x{n-1}.</summary>
public abstract class AnalyticProblem : IProblem
{
    private readonly string[] _names;

    protected AnalyticProblem(string name, int objectives, IReadOnlyList<(double Low, double High)> bounds)
    {
        Name = name;
        Objectives = objectives;
        _names = [.. Enumerable.Range(0, bounds.Count).Select(i => $"x{i}")];
        Space = new SearchSpace([.. bounds.Select((b, i) => new FloatDimension(_names[i], b.Low, b.High))]);
    }

    public string Name { get; }

    public SearchSpace Space { get; }

    public int Objectives { get; }

    public IReadOnlyList<double> Reference => ReferencePoints.For(Name);

    public int Variables => _names.Length;

    public double FrontHypervolume => ReferencePoints.FrontHypervolume(this);

    public double[]? Evaluate(Point point)
    {
        ArgumentNullException.ThrowIfNull(point);
        var x = new double[_names.Length];
        for (var i = 0; i < x.Length; i++) x[i] = point[_names[i]];
        return Evaluate(x);
    }

    /// <summary>The objectives at x (in the order of the space's dimensions).</summary>
    public abstract double[] Evaluate(double[] x);

    /// <summary>
    /// A point of the Pareto set: the position variables drawn from <paramref name="random"/>, the distance variables at
    /// their optimum (on ZDT3 and DTLZ7, whose fronts are disconnected, some such points are dominated).
    /// </summary>
    public abstract double[] OptimalX(Random random);

    public JsonObject Describe() => new()
    {
        ["kind"] = "analytic",
        ["name"] = Name,
        ["objectives"] = Objectives,
        ["dimensions"] = Dimensions(Space),
    };

    /// <summary>The space as the peer builds Optuna distributions from it: name, kind, low, high, step, log.</summary>
    public static JsonArray Dimensions(SearchSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        var dimensions = new JsonArray();
        foreach (var dimension in space.Dimensions)
            dimensions.Add(dimension switch
            {
                FloatDimension f => new JsonObject { ["name"] = f.Name, ["kind"] = "float", ["low"] = f.Low, ["high"] = f.High, ["step"] = f.Step, ["log"] = f.Log },
                IntDimension n => new JsonObject { ["name"] = n.Name, ["kind"] = "int", ["low"] = n.Low, ["high"] = n.High, ["step"] = n.Step, ["log"] = n.Log },
                _ => throw new NotSupportedException($"The Optuna peer has no distribution for '{dimension.Name}' ({dimension.GetType().Name})."),
            });
        return dimensions;
    }
}

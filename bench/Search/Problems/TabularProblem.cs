using System.Text.Json.Nodes;
using FocusedQuantization.Search;

namespace FocusedQuantization.Benchmarks.Search.Problems;

/// <summary>
/// The recorded LeNet-5 trials replayed as a lookup table. Each configuration column is a dimension: integers in
/// steps (bits) become an IntDimension, evenly spaced reals a stepped FloatDimension, other reals (sparsity's uneven
/// grid) a continuous range, in log scale when it spans 5x or more. A point is mapped to the nearest recorded row
/// (squared distance of positions scaled to [0, 1] per dimension; on a full grid that is each value's nearest grid
/// value). Objectives: maximize cr and val_top1 (minimized as their negatives); a failed row is a failed trial.
/// Reference point: cr 1 and the dense model's validation top-1 minus 5 points.
/// </summary>
public sealed class TabularProblem : IProblem
{
    private readonly Scale[] _scales;
    private readonly double[][] _positions;

    public TabularProblem(string name, TabularData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Name = name;
        Data = data;
        var dimensions = new List<Dimension>();
        var scales = new List<Scale>();
        for (var c = 0; c < data.ConfigColumns.Count; c++)
        {
            var values = data.Rows.Select(r => r.Config[c]).Distinct().Order().ToArray();
            if (values.Length < 2) continue; // a constant column is no choice
            var (dimension, log) = DimensionFor(data.ConfigColumns[c], values);
            dimensions.Add(dimension);
            scales.Add(new Scale(c, dimension.Name, values[0], values[^1], log));
        }
        Space = new SearchSpace(dimensions);
        _scales = [.. scales];
        _positions = [.. data.Rows.Select(r => _scales.Select(s => s.Position(r.Config[s.Column])).ToArray())];
        Reference = [-1.0, -(data.DenseValTop1 - 5)];
    }

    public string Name { get; }

    public TabularData Data { get; }

    public SearchSpace Space { get; }

    public int Objectives => 2;

    public IReadOnlyList<double> Reference { get; }

    /// <summary>Every completed row's hypervolume: exactly the most a sampler can reach.</summary>
    public double FrontHypervolume => Hypervolume.Compute([.. Data.Rows.Select(ObjectivesOf).OfType<double[]>()], Reference);

    /// <summary>The row a point stands for: the nearest in scaled positions, the first on a tie.</summary>
    public int RowOf(Point point)
    {
        ArgumentNullException.ThrowIfNull(point);
        var at = _scales.Select(s => s.Position(point[s.Name])).ToArray();
        var best = -1;
        var bestDistance = double.PositiveInfinity;
        for (var r = 0; r < _positions.Length; r++)
        {
            var distance = 0.0;
            for (var d = 0; d < at.Length; d++)
            {
                var delta = _positions[r][d] - at[d];
                distance += delta * delta;
            }
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = r;
            }
        }
        return best;
    }

    public double[]? Evaluate(Point point) => ObjectivesOf(Data.Rows[RowOf(point)]);

    /// <summary>A completed row's minimized objectives (-cr, -val_top1); null for a failed row.</summary>
    public static double[]? ObjectivesOf(TabularRow row) => row.Completed ? [-row.Cr, -row.ValTop1] : null;

    public JsonObject Describe() => new()
    {
        ["kind"] = "tabular",
        ["name"] = Name,
        ["objectives"] = Objectives,
        ["dimensions"] = AnalyticProblem.Dimensions(Space),
        ["scales"] = new JsonArray([.. _scales.Select(s => (JsonNode)new JsonObject { ["name"] = s.Name, ["low"] = s.Low, ["high"] = s.High, ["log"] = s.Log })]),
        ["rows"] = new JsonArray([.. Data.Rows.Select((r, i) => (JsonNode)new JsonObject
        {
            ["position"] = new JsonArray([.. _positions[i].Select(p => (JsonNode)p)]),
            ["values"] = ObjectivesOf(r) is { } v ? new JsonArray([.. v.Select(x => (JsonNode)x)]) : null,
        })]),
    };

    private static (Dimension, bool Log) DimensionFor(string name, double[] values)
    {
        var step = values[1] - values[0];
        var even = values.Zip(values.Skip(1)).All(p => Math.Abs(p.Second - p.First - step) <= 1e-9 * Math.Max(1, Math.Abs(values[^1])));
        if (even && values.All(v => v == Math.Round(v)))
            return (new IntDimension(name, (long)values[0], (long)values[^1], Step: (long)Math.Round(step)), false);
        if (even) return (new FloatDimension(name, values[0], values[^1], Step: step), false);
        var log = values[0] > 0 && values[^1] / values[0] >= 5;
        return (new FloatDimension(name, values[0], values[^1], Log: log), log);
    }

    /// <summary>How a dimension's value becomes a position in [0, 1] (in log space for log ranges).</summary>
    private sealed record Scale(int Column, string Name, double Low, double High, bool Log)
    {
        public double Position(double value) => Log
            ? (Math.Log(value) - Math.Log(Low)) / (Math.Log(High) - Math.Log(Low))
            : (value - Low) / (High - Low);
    }
}

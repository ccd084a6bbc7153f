using System.Globalization;

namespace FocusedQuantization.Compression.Stages;

/// <summary>
/// Chooses each layer's width from its search points so that the coded bits of all layers stay within a budget and
/// the summed distortion is smallest: an exact multiple-choice knapsack by dynamic programming over layers, keeping
/// only the Pareto-optimal (bits, distortion) partial choices (see docs/MIXED_PRECISION.md).
/// </summary>
public static class MixedPrecision
{
    /// <summary>Partial choices kept per layer before the frontier is thinned (never reached by small models).</summary>
    public const int MaxFrontier = 20_000;

    /// <summary>
    /// The widths of least summed distortion whose coded bits are at most <paramref name="budgetBitsPerWeight"/> times
    /// the layers' total weights. When even the cheapest widths exceed the budget, every layer takes its cheapest width
    /// and the choice says so (<see cref="MixedPrecisionChoice.WithinBudget"/> false); callers that must meet the budget
    /// refuse such a choice. A cost that is not a finite number is refused.
    /// </summary>
    public static MixedPrecisionChoice Choose(
        IReadOnlyList<LayerSearchResult> layers, double budgetBitsPerWeight, MixedPrecisionDistortion distortion = MixedPrecisionDistortion.Top1Drop)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (!(budgetBitsPerWeight > 0) || double.IsInfinity(budgetBitsPerWeight))
            throw new ArgumentException($"The budget must be a positive number of bits per weight, got {budgetBitsPerWeight}.");
        if (layers.Count == 0) throw new ArgumentException("Mixed precision needs at least one layer.");
        var empty = layers.FirstOrDefault(l => l.Points.Count == 0);
        if (empty is not null) throw new ArgumentException($"Layer '{empty.Layer}' has no search points.");
        if (layers.Select(l => l.Layer).Distinct().Count() != layers.Count) throw new ArgumentException("Each layer may appear only once.");

        long totalWeights = layers.Sum(l => l.Weights);
        var budget = (long)Math.Floor(budgetBitsPerWeight * totalWeights);
        var costs = layers.Select(l => l.Points.Select(p => Cost(l, p, totalWeights, distortion)).ToArray()).ToArray();
        // A NaN cost never compares smaller, so the frontier would keep only the cheapest widths whatever the budget.
        for (var k = 0; k < layers.Count; k++)
        for (var p = 0; p < costs[k].Length; p++)
        {
            if (double.IsFinite(costs[k][p])) continue;
            var point = layers[k].Points[p];
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Layer '{layers[k].Layer}' at {point.Bits} bits has a distortion of {costs[k][p]} (top-1 {point.Top1}, reference top-1 {layers[k].Top1Reference}, relative error {point.RelativeError}): every measurement must be a finite number."));
        }

        // The cheapest point of each layer: the least any choice can take.
        var cheapest = layers.Select(l => l.Points.Select((p, i) => (p, i)).MinBy(x => (x.p.CodedBits, x.p.Bits)).i).ToArray();
        long cheapestBits = layers.Select((l, k) => l.Points[cheapest[k]].CodedBits).Sum();
        var smallestBitsPerWeight = (double)cheapestBits / totalWeights;
        if (cheapestBits > budget)
        {
            return Result(layers, cheapest, costs, budget, smallestBitsPerWeight, withinBudget: false, string.Create(CultureInfo.InvariantCulture,
                $"Even the cheapest widths take {smallestBitsPerWeight:F3} bits per weight, over the budget of {budgetBitsPerWeight:G4}: every layer takes its cheapest width."));
        }

        // frontiers[k]: partial choices of layers 0..k, by rising bits with falling distortion.
        var frontiers = new List<State[]>(layers.Count);
        var previous = new[] { new State(0, 0, -1, -1) };
        var thinned = false;
        for (var k = 0; k < layers.Count; k++)
        {
            var candidates = new List<State>(previous.Length * layers[k].Points.Count);
            for (var s = 0; s < previous.Length; s++)
            {
                for (var p = 0; p < layers[k].Points.Count; p++)
                {
                    var bits = previous[s].Bits + layers[k].Points[p].CodedBits;
                    if (bits <= budget) candidates.Add(new State(bits, previous[s].Distortion + costs[k][p], s, p));
                }
            }
            var frontier = ParetoFrontier(candidates);
            if (frontier.Length > MaxFrontier)
            {
                frontier = Thin(frontier, MaxFrontier);
                thinned = true;
            }
            frontiers.Add(frontier);
            previous = frontier;
        }

        // The last frontier's distortion falls as bits rise: its last state is the best within the budget.
        var choice = new int[layers.Count];
        var index = previous.Length - 1;
        for (var k = layers.Count - 1; k >= 0; k--)
        {
            var state = frontiers[k][index];
            choice[k] = state.Point;
            index = state.Parent;
        }
        var how = distortion == MixedPrecisionDistortion.Top1Drop ? "summed top-1 drop" : "weight-weighted relative error";
        return Result(layers, choice, costs, budget, smallestBitsPerWeight, withinBudget: true,
            $"Least {how} within the budget, by dynamic programming over layers{(thinned ? " (frontier thinned: near-optimal)" : "")}.");
    }

    /// <summary>The distortion a point adds to the sum.</summary>
    public static double Cost(LayerSearchResult layer, LayerSearchPoint point, long totalWeights, MixedPrecisionDistortion distortion) =>
        distortion switch
        {
            MixedPrecisionDistortion.Top1Drop => Math.Max(0, layer.Top1Reference - point.Top1) + 1e-3 * point.RelativeError,
            MixedPrecisionDistortion.RelativeError => point.RelativeError * layer.Weights / Math.Max(1, totalWeights),
            _ => throw new ArgumentOutOfRangeException(nameof(distortion), distortion, "Unknown distortion."),
        };

    private static MixedPrecisionChoice Result(
        IReadOnlyList<LayerSearchResult> layers, int[] choice, double[][] costs, long budget, double smallestBitsPerWeight, bool withinBudget, string explanation)
    {
        var bits = new Dictionary<string, int>(StringComparer.Ordinal);
        long coded = 0;
        double sum = 0;
        for (var k = 0; k < layers.Count; k++)
        {
            var point = layers[k].Points[choice[k]];
            bits[layers[k].Layer] = point.Bits;
            coded += point.CodedBits;
            sum += costs[k][choice[k]];
        }
        return new MixedPrecisionChoice(bits, coded, budget, sum, withinBudget, explanation, smallestBitsPerWeight);
    }

    private static State[] ParetoFrontier(List<State> candidates)
    {
        candidates.Sort((a, b) => a.Bits != b.Bits ? a.Bits.CompareTo(b.Bits) : a.Distortion.CompareTo(b.Distortion));
        var frontier = new List<State>();
        foreach (var state in candidates)
            if (frontier.Count == 0 || state.Distortion < frontier[^1].Distortion) frontier.Add(state);
        return frontier.ToArray();
    }

    private static State[] Thin(State[] frontier, int count)
    {
        // Evenly spaced along the frontier, always keeping both ends (the cheapest and the best).
        var kept = new State[count];
        for (var i = 0; i < count; i++) kept[i] = frontier[(int)((long)i * (frontier.Length - 1) / (count - 1))];
        return kept;
    }

    private readonly record struct State(long Bits, double Distortion, int Parent, int Point);
}

namespace FocusedQuantization.Search;

/// <summary>
/// Non-dominated sorting and crowding distance, every objective minimized, with Deb's constraint domination
/// (Deb, Pratap, Agarwal, Meyarivan: "A fast and elitist multiobjective genetic algorithm: NSGA-II", IEEE TEC 6(2), 2002):
/// a feasible point beats an infeasible one, of two infeasible points the smaller violation wins, and two feasible
/// points compare by Pareto domination.
/// </summary>
public static class ParetoSorting
{
    /// <summary>True when <paramref name="a"/> is no worse than <paramref name="b"/> in every objective and better in one.</summary>
    public static bool Dominates(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count) throw new ArgumentException($"Points of {a.Count} and {b.Count} objectives cannot be compared.");
        var better = false;
        for (var i = 0; i < a.Count; i++)
        {
            if (a[i] > b[i]) return false;
            if (a[i] < b[i]) better = true;
        }
        return better;
    }

    /// <summary>Deb's constraint domination: feasibility first, then the smaller violation, then Pareto domination.</summary>
    public static bool ConstrainedDominates(IReadOnlyList<double> a, double violationA, IReadOnlyList<double> b, double violationB)
    {
        var feasibleA = violationA <= 0;
        var feasibleB = violationB <= 0;
        if (feasibleA != feasibleB) return feasibleA;
        if (!feasibleA) return violationA < violationB;
        return Dominates(a, b);
    }

    /// <summary>
    /// The non-domination rank of each point (0 = the first front), by the fast non-dominated sort of NSGA-II
    /// (O(M N^2)). With <paramref name="violations"/>, domination is Deb's constraint domination.
    /// </summary>
    public static int[] Ranks(IReadOnlyList<IReadOnlyList<double>> values, IReadOnlyList<double>? violations = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var n = values.Count;
        if (violations is not null && violations.Count != n) throw new ArgumentException("One violation per point is needed.", nameof(violations));
        var dominated = new List<int>[n];
        var dominators = new int[n];
        for (var i = 0; i < n; i++) dominated[i] = [];
        for (var i = 0; i < n; i++)
            for (var j = i + 1; j < n; j++)
            {
                var vi = violations?[i] ?? 0;
                var vj = violations?[j] ?? 0;
                if (ConstrainedDominates(values[i], vi, values[j], vj)) { dominated[i].Add(j); dominators[j]++; }
                else if (ConstrainedDominates(values[j], vj, values[i], vi)) { dominated[j].Add(i); dominators[i]++; }
            }
        var ranks = new int[n];
        var front = new List<int>();
        for (var i = 0; i < n; i++) if (dominators[i] == 0) front.Add(i);
        for (var rank = 0; front.Count > 0; rank++)
        {
            var next = new List<int>();
            foreach (var i in front)
            {
                ranks[i] = rank;
                foreach (var j in dominated[i])
                    if (--dominators[j] == 0) next.Add(j);
            }
            front = next;
        }
        return ranks;
    }

    /// <summary>The ranks of observations that all have values (Complete or Stopped), by constraint domination.</summary>
    public static int[] Ranks(IReadOnlyList<Observation> observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        return Ranks(
            observations.Select(o => o.Values ?? throw new ArgumentException($"Trial {o.Number} has no values.", nameof(observations))).ToArray(),
            observations.Select(o => o.Violation).ToArray());
    }

    /// <summary>The fronts in rank order, each listing the point indices in ascending order (the input's order, by number).</summary>
    public static IReadOnlyList<int[]> Fronts(IReadOnlyList<int> ranks)
    {
        ArgumentNullException.ThrowIfNull(ranks);
        var count = ranks.Count == 0 ? 0 : ranks.Max() + 1;
        var fronts = new List<int>[count];
        for (var r = 0; r < count; r++) fronts[r] = [];
        for (var i = 0; i < ranks.Count; i++) fronts[ranks[i]].Add(i);
        return fronts.Select(f => f.ToArray()).ToArray();
    }

    /// <summary>
    /// The crowding distance of each member of <paramref name="front"/> (indices into <paramref name="values"/>): per
    /// objective, the gap between its two neighbours divided by the front's extent, summed; the extreme points of each
    /// objective get infinity. Ties in an objective are ordered by index, so the result is deterministic.
    /// </summary>
    public static double[] CrowdingDistance(IReadOnlyList<IReadOnlyList<double>> values, IReadOnlyList<int> front)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(front);
        var n = front.Count;
        var distance = new double[n];
        if (n == 0) return distance;
        if (n <= 2)
        {
            Array.Fill(distance, double.PositiveInfinity);
            return distance;
        }
        var objectives = values[front[0]].Count;
        var order = new int[n];
        for (var m = 0; m < objectives; m++)
        {
            for (var i = 0; i < n; i++) order[i] = i;
            var objective = m;
            Array.Sort(order, (x, y) =>
            {
                var c = values[front[x]][objective].CompareTo(values[front[y]][objective]);
                return c != 0 ? c : front[x].CompareTo(front[y]);
            });
            var low = values[front[order[0]]][m];
            var high = values[front[order[n - 1]]][m];
            distance[order[0]] = double.PositiveInfinity;
            distance[order[n - 1]] = double.PositiveInfinity;
            var extent = high - low;
            // A flat or unbounded objective says nothing about crowding.
            if (!(extent > 0) || !double.IsFinite(extent)) continue;
            for (var i = 1; i < n - 1; i++)
                distance[order[i]] += (values[front[order[i + 1]]][m] - values[front[order[i - 1]]][m]) / extent;
        }
        return distance;
    }
}

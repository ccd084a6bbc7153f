namespace FocusedQuantization.Benchmarks.Search.EarlyStopping;

/// <summary>
/// Non-dominated sorting and crowding distance (Deb et al., 2002) for the early-stopping replay, on minimized values.
/// The benchmark's own until Search's are merged; <see cref="Top"/> is the only caller.
/// </summary>
public static class Ranking
{
    /// <summary>
    /// The indices of the best <paramref name="count"/> of <paramref name="values"/>, best first: whole fronts in order,
    /// the front that does not fit by descending crowding distance, ties by index (so a replay is deterministic).
    /// </summary>
    public static IReadOnlyList<int> Top(IReadOnlyList<double[]> values, int count)
    {
        ArgumentNullException.ThrowIfNull(values);
        var chosen = new List<int>(count);
        foreach (var front in Fronts(values))
        {
            if (chosen.Count >= count) break;
            var crowding = Crowding(values, front);
            chosen.AddRange(front.Select((index, i) => (index, crowding[i]))
                .OrderByDescending(p => p.Item2).ThenBy(p => p.index)
                .Take(count - chosen.Count).Select(p => p.index));
        }
        return chosen;
    }

    /// <summary>The fronts: the non-dominated points, then those only they dominate, and so on (each in index order).</summary>
    public static List<List<int>> Fronts(IReadOnlyList<double[]> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var n = values.Count;
        var dominatedBy = new int[n];
        var dominates = Enumerable.Range(0, n).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < n; i++)
            for (var j = i + 1; j < n; j++)
            {
                if (Dominates(values[i], values[j])) { dominates[i].Add(j); dominatedBy[j]++; }
                else if (Dominates(values[j], values[i])) { dominates[j].Add(i); dominatedBy[i]++; }
            }
        var fronts = new List<List<int>>();
        var current = Enumerable.Range(0, n).Where(i => dominatedBy[i] == 0).ToList();
        while (current.Count > 0)
        {
            fronts.Add(current);
            var next = new List<int>();
            foreach (var i in current)
                foreach (var j in dominates[i])
                    if (--dominatedBy[j] == 0) next.Add(j);
            next.Sort();
            current = next;
        }
        return fronts;
    }

    /// <summary>Each front member's crowding distance: the sum over objectives of its neighbours' normalized gap, infinite at the ends.</summary>
    public static double[] Crowding(IReadOnlyList<double[]> values, IReadOnlyList<int> front)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(front);
        var distance = new double[front.Count];
        if (front.Count <= 2)
        {
            Array.Fill(distance, double.PositiveInfinity);
            return distance;
        }
        for (var m = 0; m < values[front[0]].Length; m++)
        {
            var order = Enumerable.Range(0, front.Count).OrderBy(i => values[front[i]][m]).ThenBy(i => front[i]).ToArray();
            var low = values[front[order[0]]][m];
            var high = values[front[order[^1]]][m];
            distance[order[0]] = distance[order[^1]] = double.PositiveInfinity;
            if (high <= low) continue;
            for (var k = 1; k < order.Length - 1; k++)
                distance[order[k]] += (values[front[order[k + 1]]][m] - values[front[order[k - 1]]][m]) / (high - low);
        }
        return distance;
    }

    private static bool Dominates(double[] a, double[] b)
    {
        var strictly = false;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] > b[i]) return false;
            if (a[i] < b[i]) strictly = true;
        }
        return strictly;
    }
}

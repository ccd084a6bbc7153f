namespace FocusedQuantization.Search;

/// <summary>
/// The history as the model-based samplers read it: ordered by number (so the result never depends on the order the
/// caller listed it in), the trial being asked left out, and the finished trials with usable values picked out.
/// Numbers are expected to be unique (trials warm-started from an earlier sweep need numbers of their own, for
/// example negative ones); equal numbers keep the caller's order.
/// </summary>
internal sealed class History
{
    public History(SearchSpace space, IReadOnlyList<Observation> history, int number)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(history);
        Space = space;
        All = history.Where(o => o.Number != number).OrderBy(o => o.Number).ToArray();
        var scored = new List<Observation>();
        var failed = new List<Observation>();
        var running = new List<Observation>();
        int? objectives = null;
        foreach (var o in All)
        {
            switch (o.State)
            {
                case ObservationState.Running:
                    running.Add(o);
                    break;
                case ObservationState.Failed:
                    failed.Add(o);
                    break;
                default:
                    // A finished trial without finite values, or with a NaN violation, gave nothing to rank: it counts as failed.
                    if (o.Values is not { Count: > 0 } values || values.Any(v => !double.IsFinite(v)) || double.IsNaN(o.Violation))
                    {
                        failed.Add(o);
                        break;
                    }
                    objectives ??= values.Count;
                    if (values.Count != objectives)
                        throw new ArgumentException($"Trial {o.Number} has {values.Count} objective values where earlier trials have {objectives}.", nameof(history));
                    scored.Add(o);
                    break;
            }
        }
        Scored = scored;
        Failed = failed;
        Running = running;
        Objectives = objectives ?? 0;
    }

    public SearchSpace Space { get; }

    /// <summary>Every trial but the one being asked, by number.</summary>
    public IReadOnlyList<Observation> All { get; }

    /// <summary>Complete and Stopped trials with finite values, by number.</summary>
    public IReadOnlyList<Observation> Scored { get; }

    /// <summary>Failed trials, and finished ones whose values are missing or not finite.</summary>
    public IReadOnlyList<Observation> Failed { get; }

    public IReadOnlyList<Observation> Running { get; }

    public int Objectives { get; }

    /// <summary>The number of trials whose outcome is known (scored or failed).</summary>
    public int Finished => Scored.Count + Failed.Count;

    /// <summary>
    /// A point as a vector in the space's order: unit coordinates for numeric dimensions, the choice index for
    /// categoricals, NaN for an inactive (absent) dimension.
    /// </summary>
    public static double[] Encode(SearchSpace space, Point point)
    {
        var x = new double[space.Dimensions.Count];
        for (var j = 0; j < x.Length; j++)
        {
            var d = space.Dimensions[j];
            if (!point.Values.TryGetValue(d.Name, out var v) || !double.IsFinite(v)) { x[j] = double.NaN; continue; }
            x[j] = d is CategoricalDimension c ? Math.Clamp(Math.Round(v), 0, c.Choices.Count - 1) : Math.Clamp(UnitScale.ToUnit(d, v), 0, 1);
        }
        return x;
    }

    /// <summary>The point a vector stands for, keeping only the dimensions its categorical choices switch on.</summary>
    public static Point Decode(SearchSpace space, double[] x)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var j = 0; j < x.Length; j++)
        {
            var d = space.Dimensions[j];
            if (!SearchSpace.IsActive(d, values, space) || double.IsNaN(x[j])) continue;
            values[d.Name] = d is CategoricalDimension ? x[j] : UnitScale.FromUnit(d, x[j]);
        }
        return new Point(values);
    }

    /// <summary>A point's identity for duplicate checks: its values in the space's order, NaN where inactive.</summary>
    public static PointKey Key(SearchSpace space, Point point)
    {
        var values = new double[space.Dimensions.Count];
        for (var j = 0; j < values.Length; j++)
            values[j] = point.Values.TryGetValue(space.Dimensions[j].Name, out var v) ? v : double.NaN;
        return new PointKey(values);
    }
}

/// <summary>Value equality of points in one space (NaN, an inactive dimension, equals NaN).</summary>
internal readonly struct PointKey(double[] values) : IEquatable<PointKey>
{
    private readonly double[] _values = values;

    public bool Equals(PointKey other)
    {
        if (_values.Length != other._values.Length) return false;
        for (var i = 0; i < _values.Length; i++)
            if (!_values[i].Equals(other._values[i])) return false;
        return true;
    }

    public override bool Equals(object? obj) => obj is PointKey other && Equals(other);

    public override int GetHashCode()
    {
        // Deterministic (no per-process randomization needed: only used within one call).
        var h = 17UL;
        foreach (var v in _values) h = SeedMix.Mix(h ^ (ulong)BitConverter.DoubleToInt64Bits(v == 0 ? 0.0 : v));
        return (int)h;
    }
}

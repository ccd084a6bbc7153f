namespace FocusedQuantization.Search;

/// <summary>
/// Maps a numeric dimension to the unit interval and back, the space the evolutionary operators and the Parzen
/// estimators work in: log dimensions in log space, discrete ones (integers, stepped floats) as equal-width bins so
/// that a uniform t in [0, 1] is a uniform draw of the dimension.
/// </summary>
internal static class UnitScale
{
    /// <summary>The unit coordinate of <paramref name="value"/> (a bin's centre for a discrete dimension).</summary>
    public static double ToUnit(Dimension dimension, double value)
    {
        switch (dimension)
        {
            case FloatDimension { Step: null } f:
                if (!(f.High > f.Low)) return 0.5;
                return f.Log
                    ? (Math.Log(value) - Math.Log(f.Low)) / (Math.Log(f.High) - Math.Log(f.Low))
                    : (value - f.Low) / (f.High - f.Low);
            case CategoricalDimension:
                throw new ArgumentException($"'{dimension.Name}' is categorical; it has no unit scale.", nameof(dimension));
            default:
                var count = dimension.Cardinality!.Value;
                if (count == 1) return 0.5;
                if (IsLog(dimension))
                {
                    var (a, b) = LogBounds(dimension);
                    return Math.Clamp((Math.Log(value) - a) / (b - a), 0, 1);
                }
                return (IndexOf(dimension, value) + 0.5) / count;
        }
    }

    /// <summary>The value at unit coordinate <paramref name="t"/> (clamped to [0, 1]), snapped to the grid when discrete.</summary>
    public static double FromUnit(Dimension dimension, double t)
    {
        t = Math.Clamp(t, 0, 1);
        switch (dimension)
        {
            case FloatDimension { Step: null } f:
                if (!(f.High > f.Low)) return f.Low;
                var x = f.Log ? Math.Exp(Math.Log(f.Low) + t * (Math.Log(f.High) - Math.Log(f.Low))) : f.Low + t * (f.High - f.Low);
                // exp/log round-off can step a hair outside the range.
                return Math.Clamp(x, f.Low, f.High);
            case CategoricalDimension:
                throw new ArgumentException($"'{dimension.Name}' is categorical; it has no unit scale.", nameof(dimension));
            default:
                var count = dimension.Cardinality!.Value;
                if (IsLog(dimension) && count > 1)
                {
                    var (a, b) = LogBounds(dimension);
                    return dimension.ValueAt(Math.Clamp(IndexOf(dimension, Math.Exp(a + t * (b - a))), 0, count - 1));
                }
                return dimension.ValueAt(Math.Min(count - 1, (long)Math.Floor(t * count)));
        }
    }

    /// <summary>
    /// For a discrete numeric dimension, the unit coordinate of the grid value next to the one at <paramref name="t"/>
    /// in <paramref name="direction"/> (+1 or -1), turned back at the ends; <paramref name="t"/> itself when there is
    /// only one value or the dimension is continuous.
    /// </summary>
    public static double Neighbour(Dimension dimension, double t, int direction)
    {
        if (dimension is CategoricalDimension || dimension.Cardinality is not { } count || count < 2) return t;
        var index = IndexOf(dimension, FromUnit(dimension, t)) + direction;
        if (index < 0 || index >= count) index -= 2 * direction;
        return ToUnit(dimension, dimension.ValueAt(index));
    }

    /// <summary>The number of equal-width unit bins of a discrete dimension (null when continuous or logarithmic).</summary>
    public static long? Bins(Dimension dimension) => dimension is FloatDimension { Step: null } || IsLog(dimension) ? null : dimension.Cardinality;

    private static bool IsLog(Dimension dimension) => dimension is FloatDimension { Log: true } or IntDimension { Log: true };

    /// <summary>The nearest grid index of a value of a discrete numeric dimension.</summary>
    private static long IndexOf(Dimension dimension, double value) => dimension switch
    {
        IntDimension n => (long)Math.Round((value - n.Low) / n.Step),
        FloatDimension { Step: { } step } f => (long)Math.Round((value - f.Low) / step),
        _ => throw new ArgumentException($"'{dimension.Name}' is not a discrete numeric dimension.", nameof(dimension)),
    };

    /// <summary>
    /// The log-space interval a discrete log dimension spans: integers reach half a unit past their ends (so each end
    /// value gets its share), stepped floats run from the first to the last grid value.
    /// </summary>
    private static (double A, double B) LogBounds(Dimension dimension) => dimension switch
    {
        IntDimension n => (Math.Log(n.Low - 0.5), Math.Log(n.ValueAt(n.Cardinality!.Value - 1) + 0.5)),
        FloatDimension f => (Math.Log(f.Low), Math.Log(f.ValueAt(f.Cardinality!.Value - 1))),
        _ => throw new ArgumentException($"'{dimension.Name}' is not numeric.", nameof(dimension)),
    };
}

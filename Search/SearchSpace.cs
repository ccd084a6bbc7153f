namespace FocusedQuantization.Search;

/// <summary>
/// One dimension of a search space. Every value is a double: a float's value, an integer's value, or a categorical's
/// choice index (0-based). A dimension with <see cref="When"/> is active only under that condition; an inactive
/// dimension has no value in a <see cref="Point"/>.
/// </summary>
public abstract record Dimension(string Name)
{
    /// <summary>Active only when another (categorical) dimension takes one of the listed choices; null: always active.</summary>
    public Condition? When { get; init; }

    /// <summary>The number of values when discrete (integers, stepped floats, categoricals); null when continuous.</summary>
    public abstract long? Cardinality { get; }

    /// <summary>The value the index-th of <see cref="Cardinality"/> discrete values stands for (the grid's order).</summary>
    public abstract double ValueAt(long index);

    /// <summary>True when <paramref name="value"/> is a value this dimension can take.</summary>
    public abstract bool Contains(double value);
}

/// <summary>A real range [Low, High], sampled uniformly or, with Log, uniformly in log space; Step makes it discrete.</summary>
public sealed record FloatDimension(string Name, double Low, double High, bool Log = false, double? Step = null) : Dimension(Name)
{
    public override long? Cardinality => Step is { } step ? (long)Math.Floor((High - Low) / step + 1e-9) + 1 : null;

    public override double ValueAt(long index) => Step is { } step ? Math.Min(High, Low + index * step) : throw new InvalidOperationException($"{Name} is continuous.");

    public override bool Contains(double value)
    {
        if (!(value >= Low && value <= High)) return false;
        if (Step is not { } step) return true;
        // A stepped float must sit on its grid (up to rounding of Low + index * Step).
        var index = Math.Round((value - Low) / step);
        return Math.Abs(value - ValueAt((long)index)) <= 1e-9 * Math.Max(1.0, Math.Abs(value));
    }
}

/// <summary>Integers Low..High (every Step-th), sampled uniformly or, with Log, uniformly in log space.</summary>
public sealed record IntDimension(string Name, long Low, long High, bool Log = false, long Step = 1) : Dimension(Name)
{
    public override long? Cardinality => (High - Low) / Step + 1;

    public override double ValueAt(long index) => Low + index * Step;

    public override bool Contains(double value) => value >= Low && value <= High && Math.Abs(value - Math.Round(value)) < 1e-9 && ((long)Math.Round(value) - Low) % Step == 0;
}

/// <summary>Unordered choices; a point holds the choice's index.</summary>
public sealed record CategoricalDimension(string Name, IReadOnlyList<string> Choices) : Dimension(Name)
{
    public override long? Cardinality => Choices.Count;

    public override double ValueAt(long index) => index;

    public override bool Contains(double value) => value >= 0 && value < Choices.Count && Math.Abs(value - Math.Round(value)) < 1e-9;
}

/// <summary>A dimension is active when the categorical dimension <paramref name="Dimension"/> takes one of <paramref name="Choices"/>.</summary>
public sealed record Condition(string Dimension, IReadOnlyList<string> Choices);

/// <summary>
/// The dimensions a sampler draws, in a fixed order (which is also the grid's order, the last varying fastest).
/// Conditions may only name categorical dimensions that come before the dimension they guard.
/// </summary>
public sealed class SearchSpace
{
    private readonly Dictionary<string, int> _index;

    public SearchSpace(IReadOnlyList<Dimension> dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        Dimensions = dimensions;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < dimensions.Count; i++)
        {
            var d = dimensions[i];
            if (!_index.TryAdd(d.Name, i)) throw new ArgumentException($"The search space names '{d.Name}' twice.");
            switch (d)
            {
                case FloatDimension f when !(double.IsFinite(f.Low) && double.IsFinite(f.High) && f.Low <= f.High) || (f.Log && !(f.Low > 0)) || f.Step is <= 0:
                    throw new ArgumentException($"'{d.Name}' needs finite low <= high (positive for log) and a positive step.");
                case IntDimension n when n.Low > n.High || n.Step < 1 || (n.Log && n.Low < 1):
                    throw new ArgumentException($"'{d.Name}' needs low <= high (at least 1 for log) and a step of at least 1.");
                case CategoricalDimension c when c.Choices.Count == 0:
                    throw new ArgumentException($"'{d.Name}' has no choices.");
            }
            if (d.When is { } when)
            {
                if (!_index.TryGetValue(when.Dimension, out var parent) || dimensions[parent] is not CategoricalDimension parentChoices)
                    throw new ArgumentException($"'{d.Name}' is conditional on '{when.Dimension}', which must be a categorical dimension before it.");
                if (when.Choices.FirstOrDefault(c => !parentChoices.Choices.Contains(c)) is { } unknown)
                    throw new ArgumentException($"'{d.Name}' is conditional on '{when.Dimension}' being '{unknown}', which is not one of its choices.");
            }
        }
    }

    public IReadOnlyList<Dimension> Dimensions { get; }

    public Dimension this[string name] => Dimensions[_index[name]];

    /// <summary>True when every dimension is discrete (a grid can list the space).</summary>
    public bool IsDiscrete => Dimensions.All(d => d.Cardinality is not null);

    /// <summary>Whether <paramref name="dimension"/> is active given the values already chosen in <paramref name="values"/>.</summary>
    public static bool IsActive(Dimension dimension, IReadOnlyDictionary<string, double> values, SearchSpace space)
    {
        if (dimension.When is not { } when) return true;
        if (!values.TryGetValue(when.Dimension, out var choice)) return false;
        var parent = (CategoricalDimension)space[when.Dimension];
        return when.Choices.Contains(parent.Choices[(int)choice]);
    }
}

namespace FocusedQuantization.Search;

/// <summary>Independent uniform draws (log-uniform for log dimensions), ignoring the history; the baseline every other sampler must beat.</summary>
public sealed class RandomSampler(int seed) : ISampler
{
    /// <summary>The stream of <see cref="SeedMix"/> random draws use.</summary>
    internal const int Stream = 1;

    public string Name => "random";

    public Point Ask(SearchSpace space, IReadOnlyList<Observation> history, int number)
    {
        ArgumentNullException.ThrowIfNull(space);
        var random = SeedMix.For(seed, Stream, number);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var dimension in space.Dimensions)
            if (SearchSpace.IsActive(dimension, values, space)) values[dimension.Name] = Draw(dimension, random);
        return new Point(values);
    }

    /// <summary>
    /// The startup draw of the model-based samplers: the random sampler's point for this trial, redrawn (from
    /// <paramref name="fallback"/>) while it repeats a point already asked, so a small discrete space is not wasted on
    /// repeats. Continuous spaces essentially never redraw, so their startup is exactly random search's.
    /// </summary>
    internal static Point Unvisited(int seed, SearchSpace space, IReadOnlyList<Observation> visited, int number, Random fallback)
    {
        var point = new RandomSampler(seed).Ask(space, visited, number);
        var seen = new HashSet<PointKey>(visited.Select(o => History.Key(space, o.Point)));
        for (var attempt = 0; attempt < 64 && seen.Contains(History.Key(space, point)); attempt++)
        {
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var dimension in space.Dimensions)
                if (SearchSpace.IsActive(dimension, values, space)) values[dimension.Name] = Draw(dimension, fallback);
            point = new Point(values);
        }
        return point;
    }

    /// <summary>
    /// One uniform draw from a dimension: uniform over the range (log-uniform for log ranges), over the grid values for
    /// integers and stepped floats, over the choices for categoricals.
    /// </summary>
    public static double Draw(Dimension dimension, Random random)
    {
        ArgumentNullException.ThrowIfNull(dimension);
        ArgumentNullException.ThrowIfNull(random);
        return dimension is CategoricalDimension c ? random.Next(c.Choices.Count) : UnitScale.FromUnit(dimension, random.NextDouble());
    }
}

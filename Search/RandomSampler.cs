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

    /// <summary>One uniform draw from a dimension (log-uniform for log ranges, on the step grid for stepped ones).</summary>
    public static double Draw(Dimension dimension, Random random) => dimension switch
    {
        FloatDimension { Step: null, Log: true } f => Math.Exp(Math.Log(f.Low) + random.NextDouble() * (Math.Log(f.High) - Math.Log(f.Low))),
        FloatDimension { Step: null } f => f.Low + random.NextDouble() * (f.High - f.Low),
        IntDimension { Log: true } n => SnapInt(n, Math.Exp(Math.Log(n.Low - 0.5 + 1e-12 < 1 ? 1 : n.Low - 0.5) + random.NextDouble() * (Math.Log(n.High + 0.5) - Math.Log(Math.Max(1, n.Low - 0.5))))),
        _ => dimension.ValueAt(random.NextInt64(dimension.Cardinality!.Value)),
    };

    private static double SnapInt(IntDimension n, double x) =>
        Math.Clamp(n.Low + Math.Round((x - n.Low) / n.Step) * n.Step, n.Low, n.High - (n.High - n.Low) % n.Step);
}

namespace FocusedQuantization.Compression.Quantization;

/// <summary>Settings of the EM fit of the two-component weight mixture.</summary>
public sealed record MixtureOptions
{
    /// <summary>
    /// EM stops when the log-likelihood changes by at most this fraction of its magnitude between iterations.
    /// Default 1e-6. Must be finite and non-negative.
    /// </summary>
    public double Tolerance
    {
        get;
        init => field = value is >= 0 and < double.PositiveInfinity
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Tolerance), value,
                $"Tolerance must be a finite non-negative number, got {value}.");
    } = 1e-6;

    /// <summary>Most EM iterations (M-steps) to run. Default 100. Must be at least 1.</summary>
    public int MaxIterations
    {
        get;
        init => field = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxIterations), value,
                $"MaxIterations must be at least 1, got {value}.");
    } = 100;

    /// <summary>
    /// Smallest component variance, as a fraction of the variance of all fitted values, so that a component
    /// collapsing onto a few identical weights cannot drive the likelihood to infinity. Default 1e-6; in (0, 1].
    /// </summary>
    public double VarianceFloorRatio
    {
        get;
        init => field = value is > 0 and <= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(VarianceFloorRatio), value,
                $"VarianceFloorRatio must be in (0, 1], got {value}.");
    } = 1e-6;

    /// <summary>
    /// Most kept nonzero weights the EM runs on. A layer with more is fitted on a stratified sample of exactly this
    /// many: its kept nonzero weights, in index order, are cut into this many equal runs and one weight is drawn from
    /// each (with a generator of fixed seed, so the fit depends only on the weights). A layer with at most this many
    /// is fitted on all of them, exactly as without sampling. Default 65,536 (EM's error from sampling is then far
    /// below the spread of the fitted parameters between re-estimations); at least 2; int.MaxValue fits every weight.
    /// </summary>
    public int MaxSampleSize
    {
        get;
        init => field = value >= 2
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxSampleSize), value,
                $"MaxSampleSize must be at least 2, got {value}.");
    } = DefaultMaxSampleSize;

    /// <summary>
    /// Whether the E-step runs on SIMD vectors (4 doubles at a time, vectorized exp and log) where the hardware has
    /// them. Default true. Both forms compute the same sums; they differ only by rounding in the last bits, so a fit
    /// converges to the same parameters within the tolerance. False runs the plain scalar loop everywhere, for
    /// results identical across machines.
    /// </summary>
    public bool Vectorized { get; init; } = true;

    /// <summary>The default of <see cref="MaxSampleSize"/>: 65,536 weights.</summary>
    public const int DefaultMaxSampleSize = 65_536;
}

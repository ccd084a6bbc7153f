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
}

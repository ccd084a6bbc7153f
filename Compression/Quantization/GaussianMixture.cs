namespace FocusedQuantization.Compression.Quantization;

/// <summary>
/// A fitted two-component 1-D Gaussian mixture of a layer's nonzero weights. The components are ordered so that
/// MuNegative &lt;= MuPositive (named after the sign their mean has in a typical sparse layer).
/// </summary>
/// <param name="MuNegative">Mean of the lower component.</param>
/// <param name="SigmaNegative">Standard deviation of the lower component.</param>
/// <param name="MuPositive">Mean of the upper component.</param>
/// <param name="SigmaPositive">Standard deviation of the upper component.</param>
/// <param name="WeightNegative">Mixing weight of the lower component.</param>
/// <param name="WeightPositive">Mixing weight of the upper component.</param>
/// <param name="Iterations">EM iterations run (0 when the data left nothing to fit).</param>
/// <param name="LogLikelihood">Log-likelihood of the fitted values under the returned parameters (0 when degenerate).</param>
public sealed record GaussianMixture(
    double MuNegative,
    double SigmaNegative,
    double MuPositive,
    double SigmaPositive,
    double WeightNegative,
    double WeightPositive,
    int Iterations,
    double LogLikelihood)
{
    /// <summary>Mean of one component.</summary>
    public double Mean(MixtureComponent component) =>
        component == MixtureComponent.Negative ? MuNegative : MuPositive;

    /// <summary>Standard deviation of one component.</summary>
    public double StandardDeviation(MixtureComponent component) =>
        component == MixtureComponent.Negative ? SigmaNegative : SigmaPositive;

    /// <summary>Mixing weight of one component.</summary>
    public double Weight(MixtureComponent component) =>
        component == MixtureComponent.Negative ? WeightNegative : WeightPositive;

    /// <summary>
    /// Posterior probability that x came from the Positive component:
    /// lambda+ N(x | mu+, sigma+) / (lambda- N(x | mu-, sigma-) + lambda+ N(x | mu+, sigma+)).
    /// A component with zero standard deviation claims only the values equal to its mean.
    /// </summary>
    public double PositiveResponsibility(double x)
    {
        var negative = LogWeightedDensity(x, MuNegative, SigmaNegative, WeightNegative);
        var positive = LogWeightedDensity(x, MuPositive, SigmaPositive, WeightPositive);
        // Both densities infinite (two zero-width components at x) or both zero: fall back to the mixing weights.
        if (double.IsInfinity(negative) && negative == positive)
            return WeightPositive / (WeightNegative + WeightPositive);
        // Logistic of the log-odds, written so that neither exp can overflow.
        var logOdds = positive - negative;
        if (logOdds >= 0) return 1.0 / (1.0 + Math.Exp(-logOdds));
        var odds = Math.Exp(logOdds);
        return odds / (1.0 + odds);
    }

    /// <summary>log(lambda N(x | mu, sigma)) without the constant -log(2 pi)/2.</summary>
    internal static double LogWeightedDensity(double x, double mu, double sigma, double weight)
    {
        if (weight <= 0) return double.NegativeInfinity;
        if (sigma <= 0) return x == mu ? double.PositiveInfinity : double.NegativeInfinity;
        var z = (x - mu) / sigma;
        return Math.Log(weight) - Math.Log(sigma) - 0.5 * z * z;
    }
}

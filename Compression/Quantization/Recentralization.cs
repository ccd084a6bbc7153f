namespace FocusedQuantization.Compression.Quantization;

/// <summary>
/// The pieces of recentralized quantization that sit between the mixture fit and the quantizer: the separation
/// test, the hardware constraints on the means and deviation, and the sampled component assignment.
/// </summary>
public static class Recentralization
{
    /// <summary>The paper's separation threshold w_sep: at or above it a layer is quantized recentralized.</summary>
    public const double DefaultSeparationThreshold = 2.0;

    /// <summary>
    /// Wasserstein separation of the two components, W = ((mu- - mu+)^2 + (sigma- - sigma+)^2) / variance, with
    /// variance that of the fitted (nonzero) weights. Zero when the variance is zero.
    /// </summary>
    public static double Separation(GaussianMixture mixture, double variance)
    {
        if (!(variance > 0)) return 0;
        var dMu = mixture.MuNegative - mixture.MuPositive;
        var dSigma = mixture.SigmaNegative - mixture.SigmaPositive;
        return (dMu * dMu + dSigma * dSigma) / variance;
    }

    /// <summary>Recentralized when the separation reaches the threshold, otherwise plain shift.</summary>
    public static QuantizationMode ChooseMode(double separation, double threshold = DefaultSeparationThreshold) =>
        separation >= threshold ? QuantizationMode.Recentralized : QuantizationMode.Shift;

    /// <summary>
    /// The power of two nearest to a mean, keeping its sign. "Nearest" is in the linear domain, like the shift
    /// quantizer's own rounding: between 2^E and 2^(E+1) the midpoint is 1.5 · 2^E, which rounds up. This minimises
    /// the shift |mu - round(mu)| the constraint forces on the component. Zero stays zero (a zero mean already costs
    /// no multiply); non-finite values are returned unchanged.
    /// </summary>
    public static float RoundToPowerOfTwo(double mean)
    {
        var magnitude = Math.Abs(mean);
        if (magnitude == 0 || !double.IsFinite(magnitude)) return (float)mean;
        var lower = Math.ScaleB(1.0, Math.ILogB(magnitude));
        var rounded = magnitude >= 1.5 * lower ? 2 * lower : lower;
        return (float)Math.CopySign(rounded, mean);
    }

    /// <summary>
    /// The single deviation both components share (the paper ties sigma- = sigma+): the pooled within-component
    /// deviation sqrt(lambda- sigma-^2 + lambda+ sigma+^2), i.e. the spread of a weight about its own component's
    /// mean, which is what the offsets (x - mu_c) / sigma are normalised by.
    /// </summary>
    public static float TiedSigma(GaussianMixture mixture)
    {
        var total = mixture.WeightNegative + mixture.WeightPositive;
        if (!(total > 0)) return 0f;
        var pooled = (mixture.WeightNegative * mixture.SigmaNegative * mixture.SigmaNegative
                      + mixture.WeightPositive * mixture.SigmaPositive * mixture.SigmaPositive) / total;
        return (float)Math.Sqrt(pooled);
    }

    /// <summary>
    /// Assigns each kept weight to a component by sampling from its posterior responsibility under the fitted
    /// mixture (not by argmax), drawing one <see cref="Random.NextDouble"/> per kept weight in index order.
    /// Pruned weights (mask false) take the more probable component and draw nothing, so the sample depends only
    /// on the kept weights; their assignment matters only if they are revived later.
    /// </summary>
    public static void SampleAssignments(
        GaussianMixture mixture,
        ReadOnlySpan<float> weights,
        ReadOnlySpan<bool> mask,
        Random random,
        Span<MixtureComponent> assignments)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        ArgumentNullException.ThrowIfNull(random);
        RequireSameLength(weights.Length, mask.Length, nameof(mask));
        RequireSameLength(weights.Length, assignments.Length, nameof(assignments));
        var posterior = new Posterior(mixture);
        // Pruned weights are mostly exact zeros: the last pruned value's answer is kept and reused while it repeats.
        var lastPruned = float.NaN;
        var lastPrunedPositive = false;
        for (var i = 0; i < weights.Length; i++)
        {
            var x = weights[i];
            bool positive;
            if (mask[i]) positive = random.NextDouble() < posterior.Positive(x);
            else
            {
                if (x != lastPruned)
                {
                    lastPruned = x;
                    lastPrunedPositive = posterior.MoreLikelyPositive(x);
                }
                positive = lastPrunedPositive;
            }
            assignments[i] = positive ? MixtureComponent.Positive : MixtureComponent.Negative;
        }
    }

    internal static void RequireSameLength(int expected, int actual, string name)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} has {actual} entries but there are {expected} weights.", name);
    }

    /// <summary><see cref="GaussianMixture.PositiveResponsibility"/> with the per-layer logarithms taken once.</summary>
    private readonly struct Posterior
    {
        private readonly GaussianMixture _mixture;
        private readonly bool _regular;
        private readonly double _logRatio, _muNegative, _muPositive, _halfPrecisionNegative, _halfPrecisionPositive;

        public Posterior(GaussianMixture mixture)
        {
            _mixture = mixture;
            _regular = mixture.SigmaNegative > 0 && mixture.SigmaPositive > 0
                       && mixture.WeightNegative > 0 && mixture.WeightPositive > 0;
            _logRatio = _regular
                ? Math.Log(mixture.WeightPositive / mixture.WeightNegative) - Math.Log(mixture.SigmaPositive / mixture.SigmaNegative)
                : 0;
            _muNegative = mixture.MuNegative;
            _muPositive = mixture.MuPositive;
            _halfPrecisionNegative = _regular ? 0.5 / (mixture.SigmaNegative * mixture.SigmaNegative) : 0;
            _halfPrecisionPositive = _regular ? 0.5 / (mixture.SigmaPositive * mixture.SigmaPositive) : 0;
        }

        public double Positive(double x)
        {
            if (!_regular) return _mixture.PositiveResponsibility(x);
            var logOdds = LogOdds(x);
            if (logOdds >= 0) return 1.0 / (1.0 + Math.Exp(-logOdds));
            var odds = Math.Exp(logOdds);
            return odds / (1.0 + odds);
        }

        /// <summary>
        /// Positive(x) &gt;= 0.5, mostly without an exp: a clearly negative log-odds gives odds/(1 + odds) &lt; 0.5,
        /// and only log-odds within rounding of 0 (where exp may round the odds to 1) take the exact path. Pruned
        /// weights, most of a layer, need nothing more.
        /// </summary>
        public bool MoreLikelyPositive(double x)
        {
            if (!_regular) return _mixture.PositiveResponsibility(x) >= 0.5;
            var logOdds = LogOdds(x);
            if (logOdds >= 0) return true;
            return logOdds > -1e-9 && Positive(x) >= 0.5;
        }

        private double LogOdds(double x)
        {
            var dn = x - _muNegative;
            var dp = x - _muPositive;
            return _logRatio + _halfPrecisionNegative * dn * dn - _halfPrecisionPositive * dp * dp;
        }
    }
}

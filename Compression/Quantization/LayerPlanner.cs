namespace FocusedQuantization.Compression.Quantization;

/// <summary>Plans one layer's quantization: mixture fit, mode choice, component assignment and bias.</summary>
public static class LayerPlanner
{
    /// <summary>Plans a layer with alpha = 1, letting the mixture separation choose the mode.</summary>
    /// <param name="weights">The layer's float weights, flattened.</param>
    /// <param name="mask">The pruning mask, one entry per weight (true = kept; pruned weights map to symbol 0).</param>
    /// <param name="options">Bit width, w_sep, overflow rate, seed, mixture settings.</param>
    public static LayerPlan Plan(ReadOnlySpan<float> weights, ReadOnlySpan<bool> mask, QuantizationOptions options) =>
        Plan(weights, mask, options, mode: null, alpha: 1f);

    /// <summary>
    /// Plans a layer. The mixture is fitted to the kept nonzero weights. Recentralized mode (when the separation
    /// reaches w_sep, or when forced) rounds the means to powers of two, ties sigma, samples each kept weight's
    /// component from its posterior with a <see cref="Random"/> seeded by <see cref="QuantizationOptions.Seed"/>, and
    /// chooses the bias of a (Bits - 1)-bit shift quantizer from the overflow of the normalised offsets
    /// (w - mu_c) / sigma. Shift mode chooses the bias of a Bits-bit shift quantizer from the kept weights. A layer
    /// with no kept nonzero weight, or whose kept weights are all equal, is always planned as shift.
    /// </summary>
    /// <param name="weights">The layer's float weights, flattened.</param>
    /// <param name="mask">The pruning mask (true = kept).</param>
    /// <param name="options">Bit width, w_sep, overflow rate, seed, mixture settings.</param>
    /// <param name="mode">A mode to use regardless of the separation; null lets the separation decide.</param>
    /// <param name="alpha">The layer scale alpha stored in the parameters (the paper initialises it to 1).</param>
    public static LayerPlan Plan(
        ReadOnlySpan<float> weights,
        ReadOnlySpan<bool> mask,
        QuantizationOptions options,
        QuantizationMode? mode,
        float alpha)
    {
        ArgumentNullException.ThrowIfNull(options);
        Recentralization.RequireSameLength(weights.Length, mask.Length, nameof(mask));
        if (!float.IsFinite(alpha))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, $"Alpha must be finite, got {alpha}.");

        var mixture = GaussianMixtureFit.Fit(weights, mask, options.Mixture);
        var variance = KeptVariance(weights, mask);
        var separation = Recentralization.Separation(mixture, variance);
        var chosen = mode ?? Recentralization.ChooseMode(separation, options.SeparationThreshold);
        var sigma = Recentralization.TiedSigma(mixture);
        if (!(variance > 0 && sigma > 0)) chosen = QuantizationMode.Shift;

        var assignments = new MixtureComponent[weights.Length];
        var histogram = new ExponentHistogram();
        LayerQuantization parameters;
        if (chosen == QuantizationMode.Recentralized)
        {
            Recentralization.SampleAssignments(mixture, weights, mask, new Random(options.Seed), assignments);
            var muNegative = Recentralization.RoundToPowerOfTwo(mixture.MuNegative);
            var muPositive = Recentralization.RoundToPowerOfTwo(mixture.MuPositive);
            for (var i = 0; i < weights.Length; i++)
            {
                if (!mask[i]) continue;
                var mu = assignments[i] == MixtureComponent.Negative ? muNegative : muPositive;
                histogram.Add((weights[i] - mu) / sigma);
            }
            var exponentBits = options.Bits - 3;
            var bias = histogram.ChooseBias(exponentBits, ShiftBias.ResolveRate(exponentBits, options.OverflowRate));
            parameters = new LayerQuantization(
                QuantizationMode.Recentralized, options.Bits, bias, muNegative, muPositive, sigma, alpha);
        }
        else
        {
            for (var i = 0; i < weights.Length; i++)
            {
                assignments[i] = float.IsNegative(weights[i]) ? MixtureComponent.Negative : MixtureComponent.Positive;
                if (mask[i]) histogram.Add(weights[i]);
            }
            var exponentBits = options.Bits - 2;
            var bias = histogram.ChooseBias(exponentBits, ShiftBias.ResolveRate(exponentBits, options.OverflowRate));
            parameters = new LayerQuantization(QuantizationMode.Shift, options.Bits, bias, 0f, 0f, 0f, alpha);
        }
        return new LayerPlan(parameters, mixture, variance, separation, assignments, options);
    }

    /// <summary>Population variance of the kept nonzero weights (0 when there are none).</summary>
    private static double KeptVariance(ReadOnlySpan<float> weights, ReadOnlySpan<bool> mask)
    {
        long count = 0;
        double sum = 0;
        for (var i = 0; i < weights.Length; i++)
            if (mask[i] && weights[i] != 0f) { count++; sum += weights[i]; }
        if (count == 0) return 0;
        var mean = sum / count;
        double squares = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            if (!mask[i] || weights[i] == 0f) continue;
            var d = weights[i] - mean;
            squares += d * d;
        }
        return squares / count;
    }
}

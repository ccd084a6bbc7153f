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

    /// <summary>Layer i of <see cref="PlanAll"/> is planned with the seed options.Seed + LayerSeedStride * i, so that layers draw independently.</summary>
    public const int LayerSeedStride = 7919;

    /// <summary>
    /// Plans every layer of a model (alpha = 1, the separation choosing each mode), layer i with the seed
    /// options.Seed + <see cref="LayerSeedStride"/> * i, in parallel over layers. The plans are exactly those that
    /// <see cref="Plan(ReadOnlySpan{float}, ReadOnlySpan{bool}, QuantizationOptions)"/> gives one layer at a time.
    /// </summary>
    /// <param name="layers">The layers' weights and masks.</param>
    /// <param name="options">Bit width, w_sep, overflow rate, base seed, mixture settings.</param>
    /// <param name="maxDegreeOfParallelism">Most layers planned at once; -1 (default) = one per core.</param>
    public static LayerPlan[] PlanAll(IReadOnlyList<LayerWeights> layers, QuantizationOptions options, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(options);
        if (maxDegreeOfParallelism is 0 or < -1)
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism,
                $"maxDegreeOfParallelism must be -1 (one per core) or positive, got {maxDegreeOfParallelism}.");
        var plans = new LayerPlan[layers.Count];
        // Biggest layers first, handed out one at a time: layer sizes differ by 250x in a ResNet, and a layer left
        // for the end would otherwise keep one core busy while the others idle.
        var order = Enumerable.Range(0, layers.Count).OrderByDescending(i => layers[i].Weights.Length).ToArray();
        var partitioner = System.Collections.Concurrent.Partitioner.Create(order, loadBalance: true);
        Parallel.ForEach(partitioner, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, i =>
        {
            var layer = layers[i];
            plans[i] = Plan(layer.Weights.Span, layer.Mask.Span, options with { Seed = options.Seed + LayerSeedStride * i });
        });
        return plans;
    }

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

        // The fit's variance of the included (kept, nonzero) weights is the separation's denominator.
        var mixture = GaussianMixtureFit.Fit(weights, mask, options.Mixture, out var variance);
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
}

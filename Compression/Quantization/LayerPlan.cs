namespace FocusedQuantization.Compression.Quantization;

/// <summary>
/// One layer's quantization: its parameters, the mixture behind them and each weight's component. Made by
/// <see cref="LayerPlanner.Plan(ReadOnlySpan{float}, ReadOnlySpan{bool}, QuantizationOptions)"/>.
/// </summary>
public sealed class LayerPlan
{
    private readonly MixtureComponent[] _assignments;

    internal LayerPlan(
        LayerQuantization parameters,
        GaussianMixture mixture,
        double weightVariance,
        double separation,
        MixtureComponent[] assignments,
        QuantizationOptions options)
    {
        Parameters = parameters;
        Mixture = mixture;
        WeightVariance = weightVariance;
        Separation = separation;
        _assignments = assignments;
        Options = options;
    }

    /// <summary>Everything a decoder needs: mode, bits, bias, power-of-two means, tied sigma, alpha.</summary>
    public LayerQuantization Parameters { get; }

    /// <summary>The mixture fitted to the kept nonzero weights (before the power-of-two and tied-sigma constraints).</summary>
    public GaussianMixture Mixture { get; }

    /// <summary>Variance of the kept nonzero weights, the denominator of <see cref="Separation"/>.</summary>
    public double WeightVariance { get; }

    /// <summary>Wasserstein separation of the fitted components; the mode is recentralized when it reaches w_sep.</summary>
    public double Separation { get; }

    /// <summary>The options the plan was made with (used again by <see cref="Reestimate"/>).</summary>
    public QuantizationOptions Options { get; }

    /// <summary>
    /// Component of every weight: sampled from the posterior for kept weights in recentralized mode, the more
    /// probable component for pruned ones; in shift mode, the weight's sign (unused).
    /// </summary>
    public ReadOnlySpan<MixtureComponent> Assignments => _assignments;

    /// <summary>Number of weights in the layer.</summary>
    public int Length => _assignments.Length;

    /// <summary>The symbol of every weight.</summary>
    public int[] Symbolize(ReadOnlySpan<float> weights, ReadOnlySpan<bool> mask)
    {
        var symbols = new int[weights.Length];
        Symbolize(weights, mask, symbols);
        return symbols;
    }

    /// <summary>Writes the symbol of every weight, with this plan's parameters and assignments (no allocation).</summary>
    public void Symbolize(ReadOnlySpan<float> weights, ReadOnlySpan<bool> mask, Span<int> symbols)
    {
        CheckLength(weights.Length);
        LayerSymbolizer.Symbolize(Parameters, _assignments, weights, mask, symbols);
    }

    /// <summary>Writes Q(w) for every weight (0 for pruned ones), with this plan's parameters and assignments.</summary>
    public void Quantize(ReadOnlySpan<float> weights, ReadOnlySpan<bool> mask, Span<float> quantized)
    {
        CheckLength(weights.Length);
        LayerSymbolizer.Quantize(Parameters, _assignments, weights, mask, quantized);
    }

    /// <summary>Writes |w - Q(w)| for every weight (|w| for pruned ones).</summary>
    public void QuantizationError(ReadOnlySpan<float> weights, ReadOnlySpan<bool> mask, Span<float> errors)
    {
        CheckLength(weights.Length);
        LayerSymbolizer.QuantizationError(Parameters, _assignments, weights, mask, errors);
    }

    /// <summary>Writes the value of every symbol.</summary>
    public void Dequantize(ReadOnlySpan<int> symbols, Span<float> values) =>
        LayerSymbolizer.Dequantize(Parameters, symbols, values);

    /// <summary>
    /// A new plan from the current weights: re-fits the mixture, re-samples the assignments and re-chooses the bias,
    /// with the caller's (learned) alpha. By default the layer keeps its mode; pass keepMode false to let the
    /// separation decide again.
    /// </summary>
    /// <param name="weights">The layer's current float weights.</param>
    /// <param name="mask">The pruning mask (true = kept).</param>
    /// <param name="alpha">The layer scale to carry into the new parameters.</param>
    /// <param name="seed">Seed of the assignment draws; null = <see cref="QuantizationOptions.Seed"/>.</param>
    /// <param name="keepMode">Keep this plan's mode instead of re-testing the separation.</param>
    public LayerPlan Reestimate(
        ReadOnlySpan<float> weights, ReadOnlySpan<bool> mask, float alpha, int? seed = null, bool keepMode = true)
    {
        var options = seed is { } s ? Options with { Seed = s } : Options;
        return LayerPlanner.Plan(weights, mask, options, keepMode ? Parameters.Mode : null, alpha);
    }

    private void CheckLength(int length)
    {
        if (length != _assignments.Length)
            throw new ArgumentException(
                $"This plan covers {_assignments.Length} weights but {length} were given.", "weights");
    }
}

using FocusedQuantization.Compression.Quantization;

namespace FocusedQuantization.Compression.Inference;

/// <summary>
/// A fully connected layer with focused-quantized weights, evaluated on int8 activations with shifts and adds only.
/// </summary>
/// <remarks>
/// Inputs are symmetric int8 (<see cref="ActivationQuantizer"/>): real value = q * inputScale, zero point 0. Weights
/// are the layer's symbols laid out as [outFeatures, inFeatures] (PyTorch's layout). Per output, every nonzero weight
/// adds ±(x &lt;&lt; shift) to a long fixed-point accumulator and, in recentralized mode, x to its component's sum; the
/// per-output epilogue then applies sigma, the power-of-two means, one scale (alpha * inputScale) and the bias. The
/// integer part is exact; the only rounding is in that epilogue (double) and the final conversion to float.
/// </remarks>
public sealed class ShiftLinear
{
    private readonly ShiftWeights weights;
    private readonly float[]? bias;

    private ShiftLinear(ShiftWeights weights, float[]? bias)
    {
        this.weights = weights;
        this.bias = bias;
    }

    /// <summary>Number of inputs per sample.</summary>
    public int InFeatures => weights.RowLength;

    /// <summary>Number of outputs per sample.</summary>
    public int OutFeatures => weights.Rows;

    /// <summary>Number of weights that are not pruned (the only ones the kernel visits).</summary>
    public int NonzeroCount => weights.NonzeroCount;

    /// <summary>The quantization the symbols were read with.</summary>
    public LayerQuantization Quantization => weights.Quantization;

    /// <summary>Builds the layer from symbols laid out as [outFeatures, inFeatures]; bias, if given, has outFeatures entries.</summary>
    /// <exception cref="ArgumentException">A symbol is outside the alphabet, a length does not match, or a
    /// recentralized mean is not zero or ± a power of two.</exception>
    public static ShiftLinear FromSymbols(
        LayerQuantization quantization, ReadOnlySpan<int> symbols, int outFeatures, int inFeatures, float[]? bias = null)
    {
        var weights = ShiftWeights.Build(quantization, symbols, outFeatures, inFeatures);
        if (bias is not null && bias.Length != outFeatures)
            throw new ArgumentException($"Expected {outFeatures} biases but got {bias.Length}.", nameof(bias));
        return new ShiftLinear(weights, bias?.ToArray());
    }

    /// <summary>Evaluates a batch laid out as [batch, InFeatures] and returns [batch, OutFeatures].</summary>
    public float[] Forward(ReadOnlySpan<sbyte> input, float inputScale)
    {
        var output = new float[BatchOf(input) * OutFeatures];
        Forward(input, inputScale, output);
        return output;
    }

    /// <summary>Evaluates a batch laid out as [batch, InFeatures] into output laid out as [batch, OutFeatures].</summary>
    public void Forward(ReadOnlySpan<sbyte> input, float inputScale, Span<float> output)
    {
        InputScale.Require(inputScale);
        var batch = BatchOf(input);
        if (output.Length != batch * OutFeatures)
            throw new ArgumentException(
                $"Output holds {output.Length} values but a batch of {batch} needs {batch * OutFeatures}.", nameof(output));

        var bands = weights.Bands;
        Span<long> bandSums = stackalloc long[bands];
        var terms = weights.Terms.AsSpan();
        var termStart = weights.TermStart;
        var meanInputs = weights.MeanInputs.AsSpan();
        var meanStart = weights.MeanStart;
        for (var n = 0; n < batch; n++)
        {
            var x = input.Slice(n * InFeatures, InFeatures);
            var y = output.Slice(n * OutFeatures, OutFeatures);
            var segment = 0;
            for (var o = 0; o < y.Length; o++)
            {
                long negativeSum = 0, positiveSum = 0;
                if (weights.HasMeans)
                {
                    negativeSum = ShiftKernels.Sum(x, meanInputs[meanStart[2 * o]..meanStart[2 * o + 1]]);
                    positiveSum = ShiftKernels.Sum(x, meanInputs[meanStart[2 * o + 1]..meanStart[2 * o + 2]]);
                    for (var band = 0; band < bands; band++, segment += 4)
                    {
                        var acc = ShiftKernels.AddShifted(0, ref negativeSum, x, terms[termStart[segment]..termStart[segment + 1]]);
                        acc = ShiftKernels.SubtractShifted(acc, ref negativeSum, x, terms[termStart[segment + 1]..termStart[segment + 2]]);
                        acc = ShiftKernels.AddShifted(acc, ref positiveSum, x, terms[termStart[segment + 2]..termStart[segment + 3]]);
                        bandSums[band] = ShiftKernels.SubtractShifted(acc, ref positiveSum, x, terms[termStart[segment + 3]..termStart[segment + 4]]);
                    }
                }
                else
                {
                    for (var band = 0; band < bands; band++, segment += 2)
                    {
                        var acc = ShiftKernels.AddShifted(0, x, terms[termStart[segment]..termStart[segment + 1]]);
                        bandSums[band] = ShiftKernels.SubtractShifted(acc, x, terms[termStart[segment + 1]..termStart[segment + 2]]);
                    }
                }
                var value = inputScale * weights.Combine(bandSums, negativeSum, positiveSum);
                y[o] = (float)(bias is null ? value : value + bias[o]);
            }
        }
    }

    private int BatchOf(ReadOnlySpan<sbyte> input)
    {
        if (input.Length % InFeatures != 0)
            throw new ArgumentException(
                $"Input holds {input.Length} values, not a multiple of InFeatures = {InFeatures}.", nameof(input));
        return input.Length / InFeatures;
    }
}

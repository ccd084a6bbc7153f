using FocusedQuantization.Compression.Quantization;

namespace FocusedQuantization.Compression.Inference;

/// <summary>
/// A 2-D convolution (NCHW, one group, square stride and zero padding) with focused-quantized weights, evaluated on
/// int8 activations with shifts and adds only.
/// </summary>
/// <remarks>
/// Inputs are symmetric int8 (<see cref="ActivationQuantizer"/>): real value = q * inputScale, zero point 0, so zero
/// padding is the integer 0. Weights are the layer's symbols laid out as [outChannels, inChannels, kernelHeight,
/// kernelWidth] (PyTorch's layout). For each nonzero weight the kernel shifts a whole strided input plane into the
/// output channel's long accumulators; the per-output epilogue is the one of <see cref="ShiftLinear"/>.
/// </remarks>
public sealed class ShiftConv2d
{
    private readonly ShiftWeights weights;
    private readonly float[]? bias;

    private ShiftConv2d(ShiftWeights weights, int inChannels, int kernelHeight, int kernelWidth, int stride, int padding, float[]? bias)
    {
        this.weights = weights;
        this.bias = bias;
        InChannels = inChannels;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        Stride = stride;
        Padding = padding;
    }

    /// <summary>Number of input channels.</summary>
    public int InChannels { get; }

    /// <summary>Number of output channels.</summary>
    public int OutChannels => weights.Rows;

    /// <summary>Kernel height.</summary>
    public int KernelHeight { get; }

    /// <summary>Kernel width.</summary>
    public int KernelWidth { get; }

    /// <summary>Step between neighbouring outputs, in both directions.</summary>
    public int Stride { get; }

    /// <summary>Zeros added on every side of the input.</summary>
    public int Padding { get; }

    /// <summary>Number of weights that are not pruned (the only ones the kernel visits).</summary>
    public int NonzeroCount => weights.NonzeroCount;

    /// <summary>The quantization the symbols were read with.</summary>
    public LayerQuantization Quantization => weights.Quantization;

    /// <summary>
    /// Builds the layer from symbols laid out as [outChannels, inChannels, kernelHeight, kernelWidth]; bias, if
    /// given, has outChannels entries.
    /// </summary>
    /// <exception cref="ArgumentException">A symbol is outside the alphabet, a length or size does not fit, or a
    /// recentralized mean is not zero or ± a power of two.</exception>
    public static ShiftConv2d FromSymbols(
        LayerQuantization quantization, ReadOnlySpan<int> symbols, int outChannels, int inChannels,
        int kernelHeight, int kernelWidth, int stride = 1, int padding = 0, float[]? bias = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        var weights = ShiftWeights.Build(quantization, symbols, outChannels, inChannels * kernelHeight * kernelWidth);
        if (bias is not null && bias.Length != outChannels)
            throw new ArgumentException($"Expected {outChannels} biases but got {bias.Length}.", nameof(bias));
        return new ShiftConv2d(weights, inChannels, kernelHeight, kernelWidth, stride, padding, bias?.ToArray());
    }

    /// <summary>Output height and width for an input of the given height and width.</summary>
    public (int Height, int Width) OutputSize(int height, int width)
    {
        var paddedHeight = height + 2 * Padding;
        var paddedWidth = width + 2 * Padding;
        if (height <= 0 || width <= 0 || paddedHeight < KernelHeight || paddedWidth < KernelWidth)
            throw new ArgumentException(
                $"A {height} x {width} input padded by {Padding} is smaller than the {KernelHeight} x {KernelWidth} kernel.");
        return ((paddedHeight - KernelHeight) / Stride + 1, (paddedWidth - KernelWidth) / Stride + 1);
    }

    /// <summary>Evaluates a batch laid out as [batch, InChannels, height, width]; returns [batch, OutChannels, outH, outW].</summary>
    public float[] Forward(ReadOnlySpan<sbyte> input, int batch, int height, int width, float inputScale)
    {
        var (outHeight, outWidth) = OutputSize(height, width);
        var output = new float[batch * OutChannels * outHeight * outWidth];
        Forward(input, batch, height, width, inputScale, output);
        return output;
    }

    /// <summary>Evaluates a batch laid out as [batch, InChannels, height, width] into output [batch, OutChannels, outH, outW].</summary>
    public void Forward(ReadOnlySpan<sbyte> input, int batch, int height, int width, float inputScale, Span<float> output)
    {
        InputScale.Require(inputScale);
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        var (outHeight, outWidth) = OutputSize(height, width);
        var imageSize = InChannels * height * width;
        if (input.Length != batch * imageSize)
            throw new ArgumentException(
                $"Input holds {input.Length} values but [{batch}, {InChannels}, {height}, {width}] needs {batch * imageSize}.",
                nameof(input));
        var plane = outHeight * outWidth;
        if (output.Length != batch * OutChannels * plane)
            throw new ArgumentException(
                $"Output holds {output.Length} values but [{batch}, {OutChannels}, {outHeight}, {outWidth}] needs " +
                $"{batch * OutChannels * plane}.", nameof(output));

        var paddedHeight = height + 2 * Padding;
        var paddedWidth = width + 2 * Padding;
        var padded = Padding == 0 ? null : new sbyte[InChannels * paddedHeight * paddedWidth];
        var start = InputOffsets(paddedHeight, paddedWidth);
        var rowStep = Stride * paddedWidth;

        var bands = weights.Bands;
        var bandAcc = new long[bands * plane];
        var meanAcc = new long[2 * plane];
        Span<long> bandSums = stackalloc long[bands];
        var terms = weights.Terms;
        var termStart = weights.TermStart;
        var meanInputs = weights.MeanInputs;
        var meanStart = weights.MeanStart;

        for (var n = 0; n < batch; n++)
        {
            var image = input.Slice(n * imageSize, imageSize);
            ReadOnlySpan<sbyte> x = padded is null ? image : Pad(image, padded, height, width, paddedHeight, paddedWidth);
            for (var oc = 0; oc < OutChannels; oc++)
            {
                Array.Clear(bandAcc);
                var components = weights.Components;
                if (weights.HasMeans)
                {
                    Array.Clear(meanAcc);
                    for (var c = 0; c < 2; c++)
                        for (var m = meanStart[2 * oc + c]; m < meanStart[2 * oc + c + 1]; m++)
                            ShiftKernels.AccumulatePlane([], meanAcc.AsSpan(c * plane, plane), x, start[meanInputs[m]], 0,
                                false, outHeight, outWidth, Stride, rowStep);
                }
                for (var band = 0; band < bands; band++)
                {
                    var acc = bandAcc.AsSpan(band * plane, plane);
                    for (var c = 0; c < components; c++)
                    {
                        var sum = weights.HasMeans ? meanAcc.AsSpan(c * plane, plane) : [];
                        var segment = ShiftWeights.TermSegment(oc, bands, components, band, c, negative: false);
                        for (var t = termStart[segment]; t < termStart[segment + 2]; t++)
                        {
                            var term = terms[t];
                            ShiftKernels.AccumulatePlane(acc, sum, x, start[term.Input], term.Shift,
                                subtract: t >= termStart[segment + 1], outHeight, outWidth, Stride, rowStep);
                        }
                    }
                }

                var y = output.Slice((n * OutChannels + oc) * plane, plane);
                var channelBias = bias is null ? 0.0 : bias[oc];
                for (var p = 0; p < plane; p++)
                {
                    for (var band = 0; band < bands; band++) bandSums[band] = bandAcc[band * plane + p];
                    var value = weights.HasMeans
                        ? weights.Combine(bandSums, meanAcc[p], meanAcc[plane + p])
                        : weights.Combine(bandSums, 0, 0);
                    y[p] = (float)(inputScale * value + channelBias);
                }
            }
        }
    }

    // Where the top-left output reads each weight's input, in the padded image.
    private int[] InputOffsets(int paddedHeight, int paddedWidth)
    {
        var offsets = new int[InChannels * KernelHeight * KernelWidth];
        var i = 0;
        for (var c = 0; c < InChannels; c++)
            for (var ky = 0; ky < KernelHeight; ky++)
                for (var kx = 0; kx < KernelWidth; kx++)
                    offsets[i++] = (c * paddedHeight + ky) * paddedWidth + kx;
        return offsets;
    }

    private ReadOnlySpan<sbyte> Pad(ReadOnlySpan<sbyte> image, sbyte[] padded, int height, int width, int paddedHeight, int paddedWidth)
    {
        // The border stays 0 from allocation; only the interior is rewritten per image.
        for (var c = 0; c < InChannels; c++)
            for (var r = 0; r < height; r++)
                image.Slice((c * height + r) * width, width)
                    .CopyTo(padded.AsSpan(((c * paddedHeight) + r + Padding) * paddedWidth + Padding, width));
        return padded;
    }
}

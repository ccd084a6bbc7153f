namespace FocusedQuantization.Benchmarks.Inference;

/// <summary>
/// A float NCHW convolution (one image, one group) in the same weight-outer, output-plane-inner order as the
/// shift-only kernel. Built dense, it visits every weight; built sparse, it skips the pruned ones.
/// </summary>
internal sealed class FloatConv2d
{
    private readonly (int Input, float Weight)[][] perOutput;
    private readonly int inChannels, kernelHeight, kernelWidth, stride, padding;
    private readonly float[]? bias;

    public FloatConv2d(float[] weights, int outChannels, int inChannels, int kernelHeight, int kernelWidth,
        int stride, int padding, float[]? bias, bool skipZeros)
    {
        (this.inChannels, this.kernelHeight, this.kernelWidth, this.stride, this.padding, this.bias) =
            (inChannels, kernelHeight, kernelWidth, stride, padding, bias);
        var fanIn = inChannels * kernelHeight * kernelWidth;
        perOutput = new (int, float)[outChannels][];
        for (var oc = 0; oc < outChannels; oc++)
            perOutput[oc] = Enumerable.Range(0, fanIn)
                .Select(i => (i, weights[oc * fanIn + i]))
                .Where(t => !skipZeros || t.Item2 != 0f)
                .ToArray();
    }

    public void Forward(ReadOnlySpan<float> image, int height, int width, Span<float> output)
    {
        var paddedHeight = height + 2 * padding;
        var paddedWidth = width + 2 * padding;
        var outHeight = (paddedHeight - kernelHeight) / stride + 1;
        var outWidth = (paddedWidth - kernelWidth) / stride + 1;
        var padded = new float[inChannels * paddedHeight * paddedWidth];
        for (var c = 0; c < inChannels; c++)
            for (var r = 0; r < height; r++)
                image.Slice((c * height + r) * width, width)
                    .CopyTo(padded.AsSpan((c * paddedHeight + r + padding) * paddedWidth + padding));
        var plane = outHeight * outWidth;
        for (var oc = 0; oc < perOutput.Length; oc++)
        {
            var y = output.Slice(oc * plane, plane);
            y.Fill(bias?[oc] ?? 0f);
            foreach (var (input, w) in perOutput[oc])
            {
                var kx = input % kernelWidth;
                var ky = input / kernelWidth % kernelHeight;
                var c = input / (kernelWidth * kernelHeight);
                var rowStart = (c * paddedHeight + ky) * paddedWidth + kx;
                var at = 0;
                for (var oy = 0; oy < outHeight; oy++, rowStart += stride * paddedWidth)
                    for (int ox = 0, src = rowStart; ox < outWidth; ox++, src += stride)
                        y[at++] += w * padded[src];
            }
        }
    }
}

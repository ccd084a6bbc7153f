namespace FocusedQuantization.Benchmarks.Inference;

/// <summary>
/// A float fully connected layer that stores only nonzero weights (compressed rows): the same memory pattern as the
/// shift-only layer with multiply-adds in place of shifts, to separate sparsity from arithmetic.
/// </summary>
internal sealed class SparseFloatLinear
{
    private readonly int[] rowStart;
    private readonly int[] inputs;
    private readonly float[] values;
    private readonly float[]? bias;

    public SparseFloatLinear(float[] weights, int outFeatures, int inFeatures, float[]? bias)
    {
        this.bias = bias;
        rowStart = new int[outFeatures + 1];
        var nonzero = weights.Count(w => w != 0f);
        inputs = new int[nonzero];
        values = new float[nonzero];
        var at = 0;
        for (var o = 0; o < outFeatures; o++)
        {
            for (var i = 0; i < inFeatures; i++)
            {
                var w = weights[o * inFeatures + i];
                if (w == 0f) continue;
                inputs[at] = i;
                values[at++] = w;
            }
            rowStart[o + 1] = at;
        }
    }

    public void Forward(ReadOnlySpan<float> x, Span<float> y)
    {
        for (var o = 0; o < y.Length; o++)
        {
            var sum = 0f;
            for (var k = rowStart[o]; k < rowStart[o + 1]; k++) sum += values[k] * x[inputs[k]];
            y[o] = sum + (bias?[o] ?? 0f);
        }
    }
}

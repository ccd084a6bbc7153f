using System.Numerics;

namespace FocusedQuantization.Benchmarks.Inference;

/// <summary>A dense float fully connected layer with a SIMD dot product per output: the usual float baseline.</summary>
internal sealed class FloatLinear(float[] weights, int outFeatures, int inFeatures, float[]? bias)
{
    public void Forward(ReadOnlySpan<float> x, Span<float> y)
    {
        for (var o = 0; o < outFeatures; o++)
        {
            var row = weights.AsSpan(o * inFeatures, inFeatures);
            var sums = Vector<float>.Zero;
            var i = 0;
            for (; i <= inFeatures - Vector<float>.Count; i += Vector<float>.Count)
                sums += new Vector<float>(row[i..]) * new Vector<float>(x[i..]);
            var sum = Vector.Sum(sums);
            for (; i < inFeatures; i++) sum += row[i] * x[i];
            y[o] = sum + (bias?[o] ?? 0f);
        }
    }
}

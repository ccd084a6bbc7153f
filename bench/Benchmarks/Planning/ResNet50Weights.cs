namespace FocusedQuantization.Benchmarks.Planning;

/// <summary>
/// A weight set of ResNet-50's size and shape: its 53 convolutions (23.5 M weights), drawn to resemble trained
/// weights and magnitude-pruned to the paper's 82.7 % sparsity.
/// </summary>
internal static class ResNet50Weights
{
    /// <summary>The paper's ResNet-50 sparsity.</summary>
    public const double Sparsity = 0.827;

    /// <summary>Shapes (out, in, kh, kw) of ResNet-50's convolutions, stem first, downsampling shortcuts included.</summary>
    public static IReadOnlyList<int[]> ConvShapes()
    {
        var shapes = new List<int[]> { new[] { 64, 3, 7, 7 } };
        var input = 64;
        foreach (var (width, blocks) in new[] { (64, 3), (128, 4), (256, 6), (512, 3) })
        {
            for (var b = 0; b < blocks; b++)
            {
                shapes.Add([width, input, 1, 1]);
                shapes.Add([width, width, 3, 3]);
                shapes.Add([4 * width, width, 1, 1]);
                if (b == 0) shapes.Add([4 * width, input, 1, 1]);
                input = 4 * width;
            }
        }
        return shapes;
    }

    /// <summary>Every layer's weights and mask, reproducible from the seed.</summary>
    public static (float[] Weights, bool[] Mask)[] Generate(int seed = 1) =>
        ConvShapes().Select((shape, i) => Layer(shape, seed * 1000 + i)).ToArray();

    /// <summary>
    /// One layer: per output filter a lognormal scale (filters of a trained layer differ), each weight Laplacian
    /// (heavier tails than a Gaussian, as trained weights have) about a small per-layer offset, He-scaled by the fan-in;
    /// then the smallest-magnitude share <see cref="Sparsity"/> pruned to exact zeros.
    /// </summary>
    public static (float[] Weights, bool[] Mask) Layer(int[] shape, int seed)
    {
        var random = new Random(seed);
        var perFilter = shape[1] * shape[2] * shape[3];
        var weights = new float[shape[0] * perFilter];
        var spread = Math.Sqrt(2.0 / perFilter) / Math.Sqrt(2);
        var offset = 0.1 * spread * (random.NextDouble() - 0.5);
        for (var f = 0; f < shape[0]; f++)
        {
            var scale = spread * Math.Exp(0.3 * Normal(random));
            for (var j = 0; j < perFilter; j++)
            {
                var u = random.NextDouble() - 0.5;
                var laplace = -Math.Sign(u) * Math.Log(1 - 2 * Math.Abs(u));
                weights[f * perFilter + j] = (float)(offset + scale * laplace);
            }
        }
        var magnitudes = weights.Select(MathF.Abs).ToArray();
        Array.Sort(magnitudes);
        var threshold = magnitudes[(int)(Sparsity * magnitudes.Length)];
        var mask = new bool[weights.Length];
        for (var i = 0; i < weights.Length; i++)
        {
            mask[i] = MathF.Abs(weights[i]) > threshold;
            if (!mask[i]) weights[i] = 0f;
        }
        return (weights, mask);
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

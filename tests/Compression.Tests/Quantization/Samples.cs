namespace FocusedQuantization.Compression.Tests.Quantization;

/// <summary>Seeded synthetic weight layers for the quantization and pruning tests.</summary>
internal static class Samples
{
    /// <summary>One draw from N(mean, deviation^2) by the Box-Muller transform.</summary>
    public static double Normal(Random random, double mean, double deviation)
    {
        var u = 1.0 - random.NextDouble(); // (0, 1], keeps the log finite
        var v = random.NextDouble();
        return mean + deviation * Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }

    /// <summary>n draws from weightNegative N(muN, sN^2) + (1 - weightNegative) N(muP, sP^2).</summary>
    public static float[] Mixture(int n, double weightNegative, double muN, double sN, double muP, double sP, int seed)
    {
        var random = new Random(seed);
        var values = new float[n];
        for (var i = 0; i < n; i++)
            values[i] = (float)(random.NextDouble() < weightNegative ? Normal(random, muN, sN) : Normal(random, muP, sP));
        return values;
    }

    /// <summary>n draws from N(mean, deviation^2).</summary>
    public static float[] Gaussian(int n, double mean, double deviation, int seed)
    {
        var random = new Random(seed);
        var values = new float[n];
        for (var i = 0; i < n; i++) values[i] = (float)Normal(random, mean, deviation);
        return values;
    }

    /// <summary>A mask of the given length keeping everything.</summary>
    public static bool[] AllKept(int n) => Enumerable.Repeat(true, n).ToArray();
}

namespace FocusedQuantization.Compression.Tests.Coding;

/// <summary>Synthetic symbol streams shaped like quantized pruned weights: mostly zeros, nonzeros peaked on few symbols.</summary>
internal static class SparseStreams
{
    /// <summary>
    /// Independent symbols: 0 with probability <paramref name="zeroFraction"/>, otherwise a nonzero symbol whose
    /// probability halves with its distance from symbol 1 (so a few symbols dominate).
    /// </summary>
    public static int[] Generate(int length, double zeroFraction, int symbolCount, int seed)
    {
        var random = new Random(seed);
        var symbols = new int[length];
        for (var i = 0; i < length; i++)
        {
            if (symbolCount == 1 || random.NextDouble() < zeroFraction) continue;
            var s = 1;
            while (s < symbolCount - 1 && random.NextDouble() < 0.5) s++;
            symbols[i] = s;
        }
        return symbols;
    }

    /// <summary>Order-0 entropy in bits per symbol, computed directly from the counts.</summary>
    public static double Entropy(int[] symbols)
    {
        var total = (double)symbols.Length;
        return symbols.GroupBy(s => s).Sum(g => -g.Count() / total * Math.Log2(g.Count() / total));
    }
}

namespace FocusedQuantization.Compression.Data;

/// <summary>
/// The random stream of one image's augmentation in one epoch: SplitMix64 seeded from (seed, epoch, position), so that
/// an image is augmented the same way whichever thread decodes it and whenever, and differently in another epoch.
/// </summary>
public struct SampleRandom
{
    private ulong state;

    private SampleRandom(ulong state) => this.state = state;

    /// <summary>The stream of the image at <paramref name="position"/> in <paramref name="epoch"/> under <paramref name="seed"/>.</summary>
    public static SampleRandom For(long seed, int epoch, long position) =>
        new(Mix(Mix(Mix(unchecked((ulong)seed) ^ 0x5851F42D4C957F2DUL) ^ unchecked((ulong)epoch)) ^ unchecked((ulong)position)));

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        state = unchecked(state + 0x9E3779B97F4A7C15UL);
        return Mix(state);
    }

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform double in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>) (0 when it is 0 or less).</summary>
    public int NextInt(int maxExclusive) => maxExclusive <= 1 ? 0 : (int)((NextUInt64() >> 1) % (ulong)maxExclusive);

    /// <summary>A fair coin.</summary>
    public bool NextBool() => (NextUInt64() >> 63) != 0;

    private static ulong Mix(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}

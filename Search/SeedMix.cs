namespace FocusedQuantization.Search;

/// <summary>
/// Seeds derived from a sweep's seed: SplitMix64 of (seed, stream, number), so that each trial's draws are independent of
/// the others' and of the process (unlike string.GetHashCode or HashCode, which are randomized per process).
/// </summary>
public static class SeedMix
{
    /// <summary>A System.Random for trial <paramref name="number"/> of stream <paramref name="stream"/> (System.Random with a seed is the same sequence on every machine).</summary>
    public static Random For(int seed, int stream, int number) => new((int)(Mix(((ulong)(uint)seed << 32) ^ ((ulong)(uint)stream << 20) ^ (uint)number) & 0x7FFF_FFFF));

    /// <summary>SplitMix64's finalizer.</summary>
    public static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

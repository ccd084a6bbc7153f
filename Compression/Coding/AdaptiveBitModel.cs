namespace FocusedQuantization.Compression.Coding;

/// <summary>
/// An adaptive estimate of the probability that the next binary decision is 1. It starts at 1/2 and follows the
/// Krichevsky-Trofimov estimate (rate 1/(n + 2)) until <see cref="RateLimit"/> observations, then forgets slowly at
/// that rate, so it learns fast early and stays precise on long stationary streams.
/// </summary>
public struct AdaptiveBitModel
{
    /// <summary>Largest divisor of the update, i.e. the slowest adaptation rate is 1/RateLimit.</summary>
    public const int RateLimit = 1024;

    private const int PrecisionBits = 24;
    private const int One = 1 << PrecisionBits;
    // Keep coded probabilities inside [1/4096, 1 - 1/4096] so a surprise never costs more than 12 bits.
    private const int MinProbability16 = 16, MaxProbability16 = 65536 - 16;

    private int _probabilityOfOne; // P(1) scaled by 2^24; 0 means "not yet initialised", read as 1/2
    private int _observations;

    /// <summary>P(next bit = 0) in units of 2^-16, clamped away from 0 and 1, as the range coder needs it.</summary>
    public readonly uint ProbabilityOfZero16
    {
        get
        {
            var p1 = _observations == 0 ? One / 2 : _probabilityOfOne;
            var p0 = 65536 - (p1 >> (PrecisionBits - 16));
            return (uint)Math.Clamp(p0, MinProbability16, MaxProbability16);
        }
    }

    /// <summary>Cost in bits of coding <paramref name="bit"/> now (before updating).</summary>
    public readonly double Cost(int bit)
    {
        var p0 = ProbabilityOfZero16 / 65536.0;
        return -Math.Log2(bit == 0 ? p0 : 1 - p0);
    }

    /// <summary>Learns from one observed bit.</summary>
    public void Update(int bit)
    {
        if (_observations == 0) _probabilityOfOne = One / 2;
        var target = bit == 0 ? 0 : One;
        var delta = target - _probabilityOfOne;
        // Once saturated the divisor is the constant RateLimit, which the JIT turns into shifts instead of a division.
        _probabilityOfOne += _observations + 2 >= RateLimit ? delta / RateLimit : delta / (_observations + 2);
        if (_observations < RateLimit) _observations++;
    }
}

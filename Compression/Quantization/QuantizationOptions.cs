namespace FocusedQuantization.Compression.Quantization;

/// <summary>Settings of a layer's quantization plan. Invalid values are rejected when set.</summary>
public sealed record QuantizationOptions
{
    /// <summary>
    /// Width n of a weight before entropy coding, 3 .. 8. Default 5. Shift layers use an n-bit shift quantizer;
    /// recentralized layers spend one bit on the component and use an (n - 1)-bit shift quantizer inside.
    /// </summary>
    public int Bits
    {
        get;
        init => field = value is >= LayerQuantization.MinBits and <= LayerQuantization.MaxBits
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Bits), value,
                $"Bits must be between {LayerQuantization.MinBits} and {LayerQuantization.MaxBits}, got {value}.");
    } = 5;

    /// <summary>
    /// The separation threshold w_sep: a layer whose mixture separation reaches it is quantized recentralized,
    /// otherwise plain shift. Default 2.0 (the paper's). Must not be NaN; +infinity forces shift, 0 forces
    /// recentralized (for any layer with a fitted mixture).
    /// </summary>
    public double SeparationThreshold
    {
        get;
        init => field = !double.IsNaN(value) && value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(SeparationThreshold), value,
                $"SeparationThreshold must be a non-negative number, got {value}.");
    } = Recentralization.DefaultSeparationThreshold;

    /// <summary>
    /// Fraction of nonzero (normalised) values allowed to overflow the top level when choosing the bias, in [0, 1).
    /// Default null = 1/(2^n + 1) with n the width of the shift quantizer in use (Bits for shift layers,
    /// Bits - 1 for recentralized ones).
    /// </summary>
    public double? OverflowRate
    {
        get;
        init => field = value is null or (>= 0 and < 1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(OverflowRate), value,
                $"OverflowRate must be in [0, 1), got {value}.");
    }

    /// <summary>Seed of the random draws that assign weights to mixture components. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Settings of the mixture fit. Default: <see cref="MixtureOptions"/> defaults.</summary>
    public MixtureOptions Mixture
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Mixture), "Mixture options must not be null.");
    } = new();
}

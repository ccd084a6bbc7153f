namespace FocusedQuantization.Compression.Inference;

/// <summary>
/// Symmetric per-tensor int8 quantization of activations: q = clamp(round(x / Scale), -127, 127), x ≈ q * Scale.
/// </summary>
/// <remarks>
/// The zero point is 0, so a real 0 (zero padding, a ReLU's output) is exactly the integer 0, and -128 is never
/// produced so that the range is symmetric. Rounding is to nearest, ties to even.
/// </remarks>
public sealed class ActivationQuantizer
{
    /// <summary>Largest magnitude a quantized activation takes.</summary>
    public const int Limit = 127;

    /// <summary>Creates a quantizer with the given step.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The scale is not positive and finite.</exception>
    public ActivationQuantizer(float scale)
    {
        InputScale.Require(scale);
        Scale = scale;
    }

    /// <summary>The real value of one integer step.</summary>
    public float Scale { get; }

    /// <summary>A quantizer whose top level is <paramref name="maxAbs"/>; a zero range gets scale 1 (every value is 0).</summary>
    public static ActivationQuantizer ForRange(float maxAbs)
    {
        if (!(maxAbs >= 0f) || !float.IsFinite(maxAbs))
            throw new ArgumentOutOfRangeException(nameof(maxAbs), maxAbs, "The range must be finite and not negative.");
        var scale = maxAbs / Limit;
        return new ActivationQuantizer(scale > 0f ? scale : 1f);
    }

    /// <summary>A quantizer whose top level is the largest magnitude in <paramref name="values"/>.</summary>
    public static ActivationQuantizer ForData(ReadOnlySpan<float> values)
    {
        var maxAbs = 0f;
        foreach (var v in values)
        {
            if (!float.IsFinite(v)) throw new ArgumentException($"Activation {v} is not finite.", nameof(values));
            maxAbs = MathF.Max(maxAbs, MathF.Abs(v));
        }
        return ForRange(maxAbs);
    }

    /// <summary>The int8 code of one value; values beyond the range saturate.</summary>
    public sbyte Quantize(float value)
    {
        if (float.IsNaN(value)) throw new ArgumentException("Cannot quantize NaN.", nameof(value));
        return (sbyte)Math.Clamp(MathF.Round(value / Scale), -Limit, Limit);
    }

    /// <summary>Quantizes every value into <paramref name="destination"/>, which has the same length.</summary>
    public void Quantize(ReadOnlySpan<float> values, Span<sbyte> destination)
    {
        if (destination.Length != values.Length)
            throw new ArgumentException($"Destination holds {destination.Length} values, not {values.Length}.", nameof(destination));
        for (var i = 0; i < values.Length; i++) destination[i] = Quantize(values[i]);
    }

    /// <summary>Quantizes every value.</summary>
    public sbyte[] Quantize(ReadOnlySpan<float> values)
    {
        var codes = new sbyte[values.Length];
        Quantize(values, codes);
        return codes;
    }

    /// <summary>The real value an int8 code stands for.</summary>
    public float Dequantize(sbyte code) => code * Scale;

    /// <summary>The real values of the given codes.</summary>
    public float[] Dequantize(ReadOnlySpan<sbyte> codes)
    {
        var values = new float[codes.Length];
        for (var i = 0; i < codes.Length; i++) values[i] = Dequantize(codes[i]);
        return values;
    }
}

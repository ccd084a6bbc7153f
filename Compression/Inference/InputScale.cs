namespace FocusedQuantization.Compression.Inference;

/// <summary>Checks on the scale that turns int8 activations back into reals.</summary>
internal static class InputScale
{
    /// <summary>Throws unless the scale is positive and finite.</summary>
    public static void Require(float inputScale)
    {
        if (!(inputScale > 0f) || !float.IsFinite(inputScale))
            throw new ArgumentOutOfRangeException(nameof(inputScale), inputScale, "The input scale must be positive and finite.");
    }
}

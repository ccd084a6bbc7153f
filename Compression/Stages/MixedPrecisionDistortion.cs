namespace FocusedQuantization.Compression.Stages;

/// <summary>What <see cref="MixedPrecision"/> minimises, summed over layers.</summary>
public enum MixedPrecisionDistortion
{
    /// <summary>
    /// Each layer's top-1 drop (percentage points, clipped at zero) with only that layer quantized, plus a thousandth
    /// of its relative error, so that among widths of equal drop the more faithful one wins. The default.
    /// </summary>
    Top1Drop = 0,

    /// <summary>Each layer's relative quantization error weighted by its share of all weights.</summary>
    RelativeError = 1,
}

namespace FocusedQuantization.Compression.Quantization;

/// <summary>How a layer's weights are quantized.</summary>
public enum QuantizationMode
{
    /// <summary>Plain n-bit shift quantization of the weights (single-peaked layers).</summary>
    Shift = 0,

    /// <summary>Recentralized (focused) quantization around two power-of-two means (bimodal layers).</summary>
    Recentralized = 1,
}

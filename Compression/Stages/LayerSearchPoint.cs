using FocusedQuantization.Compression.Quantization;

namespace FocusedQuantization.Compression.Stages;

/// <summary>
/// One candidate width of a layer: the mode its plan chose, the coded size of its symbols (table included), the mean
/// squared quantization error over all its weights, that error's share of the layer's weight energy (sum of squared
/// errors over sum of squared weights), and top-1 (percent) with only this layer quantized.
/// </summary>
public sealed record LayerSearchPoint(int Bits, QuantizationMode Mode, long CodedBits, double Mse, double RelativeError, double Top1);

namespace FocusedQuantization.Compression.Quantization;

/// <summary>The two components of the weight mixture, named after the sign of their mean.</summary>
public enum MixtureComponent
{
    Negative = 0,
    Positive = 1,
}

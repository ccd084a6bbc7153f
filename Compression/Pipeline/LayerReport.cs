namespace FocusedQuantization.Compression.Pipeline;

/// <summary>One quantized layer in a report: its mode and parameters, sparsity and coded size.</summary>
public sealed record LayerReport(
    string Name,
    string Mode,
    int Bits,
    float MuNegative,
    float MuPositive,
    float Sigma,
    int Bias,
    float Alpha,
    double Separation,
    long Weights,
    double Sparsity,
    long CodedBits);

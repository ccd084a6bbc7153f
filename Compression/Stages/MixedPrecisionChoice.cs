namespace FocusedQuantization.Compression.Stages;

/// <summary>
/// A width for every layer, the coded bits they add up to, the budget in bits, the summed distortion, whether the
/// budget is met, and a sentence saying how the choice was made.
/// </summary>
public sealed record MixedPrecisionChoice(
    IReadOnlyDictionary<string, int> BitsPerLayer,
    long CodedBits,
    long BudgetBits,
    double Distortion,
    bool WithinBudget,
    string Explanation);

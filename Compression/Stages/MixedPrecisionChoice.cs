namespace FocusedQuantization.Compression.Stages;

/// <summary>
/// A width for every layer, the coded bits they add up to, the budget in bits, the summed distortion, whether the
/// budget is met, a sentence saying how the choice was made, and the coded bits per weight with every layer at its
/// cheapest point (the least any budget must allow).
/// </summary>
public sealed record MixedPrecisionChoice(
    IReadOnlyDictionary<string, int> BitsPerLayer,
    long CodedBits,
    long BudgetBits,
    double Distortion,
    bool WithinBudget,
    string Explanation,
    double SmallestBitsPerWeight);

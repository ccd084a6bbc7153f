namespace FocusedQuantization.Compression.Pruning;

/// <summary>The alpha found for a target sparsity, its threshold, and the sparsity it actually gives.</summary>
/// <param name="Alpha">The DNS alpha.</param>
/// <param name="Threshold">t = mean(|W|) + alpha · std(|W|).</param>
/// <param name="Sparsity">Fraction of weights the initial mask at that threshold prunes.</param>
public sealed record DnsAlphaSearchResult(double Alpha, float Threshold, double Sparsity);

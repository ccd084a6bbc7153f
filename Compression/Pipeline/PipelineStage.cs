namespace FocusedQuantization.Compression.Pipeline;

/// <summary>Stage names, in the order the pipeline runs them.</summary>
public static class PipelineStage
{
    public const string Data = "data";
    public const string Baseline = "baseline";
    public const string Prune = "prune";
    public const string Quantize = "quantize";
    public const string Encode = "encode";
    public const string Evaluate = "evaluate";

    /// <summary>All stages in order.</summary>
    public static IReadOnlyList<string> All { get; } = [Data, Baseline, Prune, Quantize, Encode, Evaluate];
}

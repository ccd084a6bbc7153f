namespace FocusedQuantization.Compression.Pipeline;

/// <summary>Progress of a pipeline stage: Fraction in [0, 1] of that stage, and a short detail line.</summary>
public sealed record PipelineProgress(string Stage, double Fraction, string Detail);

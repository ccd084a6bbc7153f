namespace FocusedQuantization.Compression.Pipeline;

/// <summary>Progress of a pipeline stage: Fraction in [0, 1] of that stage, and a short detail line.</summary>
public sealed record PipelineProgress(string Stage, double Fraction, string Detail)
{
    /// <summary>
    /// An event to show on its own line and keep in logs (a recovery from divergence), rather than a progress update
    /// that the next one replaces.
    /// </summary>
    public bool Notice { get; init; }
}

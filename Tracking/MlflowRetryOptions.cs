namespace FocusedQuantization.Tracking;

/// <summary>
/// How the client retries calls that failed transiently (HTTP 408, 429, 5xx, network errors, attempt timeouts), with
/// exponential backoff as MLflow's Python client does.
/// </summary>
/// <remarks>
/// Retried POSTs can, when only the answer was lost, write a metric value twice; MLflow's own client takes the same
/// risk, and params and tags are idempotent.
/// </remarks>
public sealed record MlflowRetryOptions
{
    /// <summary>Retries after the first attempt; 0 turns retries off. Default: 5 (MLflow 2.x's default).</summary>
    public int MaxRetryAttempts { get; init; } = 5;

    /// <summary>Wait before the first retry, doubled for each further one. Default: 2 s (MLflow's backoff factor).</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest wait between two attempts. Default: 60 s.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether waits are randomized so that many clients do not retry in step. Default: true.</summary>
    public bool UseJitter { get; init; } = true;

    /// <summary>No retries: every failure reaches the caller at once.</summary>
    public static MlflowRetryOptions None { get; } = new() { MaxRetryAttempts = 0 };
}

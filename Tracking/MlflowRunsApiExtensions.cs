namespace FocusedQuantization.Tracking;

/// <summary>Conveniences over <see cref="IMlflowRunsApi"/>.</summary>
public static class MlflowRunsApiExtensions
{
    /// <summary>
    /// Logs a batch of any size: splits it with <see cref="LogBatchSplitter"/> and sends the parts in order, stopping
    /// at the first refused part (earlier parts stay written; MLflow batches are not atomic anyway).
    /// </summary>
    /// <returns>How many requests were sent.</returns>
    public static async Task<int> LogBatchInPartsAsync(
        this IMlflowRunsApi api, LogBatchRequest batch, LogBatchLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(api);
        var parts = LogBatchSplitter.Split(batch, limits);
        foreach (var part in parts) await api.LogBatchAsync(part, cancellationToken).ConfigureAwait(false);
        return parts.Count;
    }
}

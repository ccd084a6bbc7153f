using System.Text.Json;

namespace FocusedQuantization.Tracking;

/// <summary>
/// Splits metrics, params and tags into as few runs/log-batch requests as MLflow's limits allow, keeping each kind in
/// its order, so that sending the requests in turn writes everything once and in order.
/// </summary>
/// <remarks>
/// A param key never appears twice in one request, since MLflow rejects such a batch; a repeated key (same value
/// logged again) goes into a later request instead, where MLflow accepts it as a rewrite of the same value.
/// </remarks>
public static class LogBatchSplitter
{
    /// <summary>Splits the batch's contents into requests within <paramref name="limits"/>.</summary>
    /// <param name="batch">Everything to log for one run.</param>
    /// <param name="limits">Limits per request; null means <see cref="LogBatchLimits.Mlflow"/>.</param>
    /// <returns>The requests, to be sent in order; none when there is nothing to log.</returns>
    /// <exception cref="ArgumentException">A limit is below 1, or a single item does not fit in a request on its own.</exception>
    public static IReadOnlyList<LogBatchRequest> Split(LogBatchRequest batch, LogBatchLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        limits ??= LogBatchLimits.Mlflow;
        Validate(limits);
        var metrics = Costed(batch.Metrics);
        var parameters = Costed(batch.Params);
        var tags = Costed(batch.Tags);
        var emptyBytes = Size(new LogBatchRequest(batch.RunId, [], [], []));

        var requests = new List<LogBatchRequest>();
        int m = 0, p = 0, t = 0;
        while (m < metrics.Length || p < parameters.Length || t < tags.Length)
        {
            var budget = new Budget(limits, emptyBytes);
            var takenMetrics = Take(metrics, ref m, limits.MaxMetrics, budget, _ => true);
            var paramKeys = new HashSet<string>(StringComparer.Ordinal);
            var takenParams = Take(parameters, ref p, limits.MaxParams, budget, param => paramKeys.Add(param.Key));
            var takenTags = Take(tags, ref t, limits.MaxTags, budget, _ => true);
            if (budget.Entities == 0)
            {
                var (kind, key, bytes) = m < metrics.Length ? ("metric", metrics[m].Item.Key, metrics[m].Bytes)
                    : p < parameters.Length ? ("param", parameters[p].Item.Key, parameters[p].Bytes)
                    : ("tag", tags[t].Item.Key, tags[t].Bytes);
                throw new ArgumentException(
                    $"The {kind} '{key}' takes {bytes} bytes of JSON, so no log-batch request of at most " +
                    $"{limits.MaxRequestBytes} bytes can carry it; shorten its key or value.", nameof(batch));
            }
            requests.Add(new LogBatchRequest(batch.RunId, takenMetrics, takenParams, takenTags));
        }
        return requests;
    }

    /// <summary>Size of a request's JSON body in UTF-8 bytes, as the client sends it.</summary>
    public static int Size(LogBatchRequest request) =>
        JsonSerializer.SerializeToUtf8Bytes(request, MlflowClientFactory.JsonOptions).Length;

    private static (T Item, int Bytes)[] Costed<T>(IReadOnlyList<T>? items) =>
        items is null ? [] : items.Select(i => (i, JsonSerializer.SerializeToUtf8Bytes(i, MlflowClientFactory.JsonOptions).Length)).ToArray();

    private static List<T> Take<T>((T Item, int Bytes)[] items, ref int next, int maxOfKind, Budget budget, Func<T, bool> admit)
    {
        var taken = new List<T>();
        while (next < items.Length && taken.Count < maxOfKind && budget.Entities < budget.Limits.MaxEntities)
        {
            // Every item after the first in its array costs one more byte, the comma before it.
            var cost = items[next].Bytes + (taken.Count > 0 ? 1 : 0);
            if (budget.Bytes + cost > budget.Limits.MaxRequestBytes || !admit(items[next].Item)) break;
            budget.Bytes += cost;
            budget.Entities++;
            taken.Add(items[next].Item);
            next++;
        }
        return taken;
    }

    private static void Validate(LogBatchLimits limits)
    {
        foreach (var (name, value) in new[]
                 {
                     (nameof(limits.MaxMetrics), limits.MaxMetrics), (nameof(limits.MaxParams), limits.MaxParams),
                     (nameof(limits.MaxTags), limits.MaxTags), (nameof(limits.MaxEntities), limits.MaxEntities),
                     (nameof(limits.MaxRequestBytes), limits.MaxRequestBytes),
                 })
            if (value < 1) throw new ArgumentException($"LogBatchLimits.{name} must be 1 or more; got {value}.", nameof(limits));
    }

    private sealed class Budget(LogBatchLimits limits, int bytes)
    {
        public LogBatchLimits Limits { get; } = limits;
        public int Bytes { get; set; } = bytes;
        public int Entities { get; set; }
    }
}

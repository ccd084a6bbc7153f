namespace FocusedQuantization.Tracking;

/// <summary>The most one runs/log-batch request may carry; a server rejects more with INVALID_PARAMETER_VALUE.</summary>
public sealed record LogBatchLimits
{
    /// <summary>Metric values in one request. Default: 1000.</summary>
    public int MaxMetrics { get; init; } = 1000;

    /// <summary>Params in one request. Default: 100.</summary>
    public int MaxParams { get; init; } = 100;

    /// <summary>Tags in one request. Default: 100.</summary>
    public int MaxTags { get; init; } = 100;

    /// <summary>Metrics, params and tags together in one request. Default: 1000.</summary>
    public int MaxEntities { get; init; } = 1000;

    /// <summary>Size of one request's JSON body in UTF-8 bytes. Default: 1 000 000 (MLflow's 1 MB).</summary>
    public int MaxRequestBytes { get; init; } = 1_000_000;

    /// <summary>MLflow's own limits (the defaults).</summary>
    public static LogBatchLimits Mlflow { get; } = new();
}

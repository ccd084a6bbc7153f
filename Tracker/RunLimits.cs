namespace FocusedQuantization.Tracker;

/// <summary>MLflow's limits on keys, values and log-batch sizes, and the checks that enforce them.</summary>
public static class RunLimits
{
    /// <summary>Longest metric, param or tag key.</summary>
    public const int MaxKeyLength = 250;

    /// <summary>Longest param value (current MLflow servers).</summary>
    public const int MaxParamValueLength = 6000;

    /// <summary>Longest run tag value (current MLflow servers; before 2.x it was 5000). A run name counts as one, being
    /// stored as the mlflow.runName tag.</summary>
    public const int MaxTagValueLength = 8000;

    /// <summary>Longest experiment tag key.</summary>
    public const int MaxExperimentTagKeyLength = 250;

    /// <summary>Longest experiment tag value; MLflow keeps this lower than a run tag's.</summary>
    public const int MaxExperimentTagValueLength = 5000;

    /// <summary>Most metrics in one log-batch.</summary>
    public const int MaxBatchMetrics = 1000;

    /// <summary>Most params in one log-batch.</summary>
    public const int MaxBatchParams = 100;

    /// <summary>Most tags in one log-batch.</summary>
    public const int MaxBatchTags = 100;

    /// <summary>Most metrics, params and tags together in one log-batch.</summary>
    public const int MaxBatchEntities = 1000;

    /// <summary>Longest log-batch request body, in bytes (MLflow's 1 MB).</summary>
    public const int MaxBatchRequestBytes = 1_000_000;

    /// <summary>Checks a metric, param or tag key (at most <paramref name="maxLength"/> characters) and returns it.</summary>
    /// <exception cref="MlflowException">INVALID_PARAMETER_VALUE when missing, too long, with characters outside
    /// letters, digits, _ - . / and space, or not a normalised path (leading or doubled /, . or .. parts).</exception>
    public static string Key(string? key, string kind, int maxLength = MaxKeyLength)
    {
        if (string.IsNullOrEmpty(key))
            throw MlflowException.InvalidParameterValue($"Missing value for required parameter 'key' of a {kind}.");
        if (key.Length > maxLength)
            throw MlflowException.InvalidParameterValue(
                $"The {kind} key '{key[..20]}...' is {key.Length} characters long; at most {maxLength} are allowed.");
        if (!key.All(c => char.IsLetterOrDigit(c) || c is '_' or '-' or '.' or '/' or ' '))
            throw MlflowException.InvalidParameterValue(
                $"Invalid {kind} key '{key}': only letters, digits, underscores, dashes, periods, slashes and spaces are allowed.");
        if (key.Split('/').Any(part => part is "" or "." or ".."))
            throw MlflowException.InvalidParameterValue(
                $"Invalid {kind} key '{key}': it must be a normalised relative path (no leading, trailing or doubled '/', no '.' or '..' parts).");
        return key;
    }

    /// <summary>Checks a param or tag value against its length limit and returns it.</summary>
    /// <exception cref="MlflowException">INVALID_PARAMETER_VALUE when missing or too long.</exception>
    public static string Value(string? value, string key, string kind, int maxLength)
    {
        if (value is null)
            throw MlflowException.InvalidParameterValue($"The {kind} '{key}' has no 'value'.");
        if (value.Length > maxLength)
            throw MlflowException.InvalidParameterValue(
                $"The value of {kind} '{key}' is {value.Length} characters long; at most {maxLength} are allowed.");
        return value;
    }

    /// <summary>A checked param.</summary>
    public static Param Param(string? key, string? value)
    {
        var checkedKey = Key(key, "param");
        return new Param(checkedKey, Value(value, checkedKey, "param", MaxParamValueLength));
    }

    /// <summary>A checked tag.</summary>
    public static RunTag Tag(string? key, string? value)
    {
        var checkedKey = Key(key, "tag");
        return new RunTag(checkedKey, Value(value, checkedKey, "tag", MaxTagValueLength));
    }

    /// <summary>A checked experiment tag.</summary>
    public static ExperimentTag ExperimentTag(string? key, string? value)
    {
        var checkedKey = Key(key, "experiment tag", MaxExperimentTagKeyLength);
        return new ExperimentTag(checkedKey, Value(value, checkedKey, "experiment tag", MaxExperimentTagValueLength));
    }

    /// <summary>
    /// A run name checked as the mlflow.runName tag it is also stored as, so that it cannot carry more than the tag
    /// could; null stays null (no name given).
    /// </summary>
    /// <exception cref="MlflowException">INVALID_PARAMETER_VALUE when it is longer than a tag value.</exception>
    public static string? RunName(string? runName)
    {
        if (runName is not null && runName.Length > MaxTagValueLength)
            throw MlflowException.InvalidParameterValue(
                $"The run_name is {runName.Length} characters long; at most {MaxTagValueLength} are allowed, as for the " +
                $"{SqliteRunStore.RunNameTag} tag it is stored as.");
        return runName;
    }

    /// <summary>A checked metric value; the step defaults to 0.</summary>
    /// <exception cref="MlflowException">INVALID_PARAMETER_VALUE when the key, value or timestamp is missing or bad.</exception>
    public static Metric Metric(string? key, double? value, long? timestamp, long? step)
    {
        var checkedKey = Key(key, "metric");
        if (value is null)
            throw MlflowException.InvalidParameterValue($"The metric '{checkedKey}' has no 'value'.");
        if (timestamp is null)
            throw MlflowException.InvalidParameterValue($"The metric '{checkedKey}' has no 'timestamp'.");
        return new Metric(checkedKey, value.Value, timestamp.Value, step ?? 0);
    }

    /// <summary>Checks the sizes of a log-batch.</summary>
    /// <exception cref="MlflowException">INVALID_PARAMETER_VALUE when a list or the total is over MLflow's limit.</exception>
    public static void Batch(int metrics, int parameters, int tags)
    {
        if (metrics > MaxBatchMetrics)
            throw MlflowException.InvalidParameterValue($"A batch may hold at most {MaxBatchMetrics} metrics, not {metrics}.");
        if (parameters > MaxBatchParams)
            throw MlflowException.InvalidParameterValue($"A batch may hold at most {MaxBatchParams} params, not {parameters}.");
        if (tags > MaxBatchTags)
            throw MlflowException.InvalidParameterValue($"A batch may hold at most {MaxBatchTags} tags, not {tags}.");
        var total = metrics + parameters + tags;
        if (total > MaxBatchEntities)
            throw MlflowException.InvalidParameterValue(
                $"A batch may hold at most {MaxBatchEntities} metrics, params and tags together, not {total}.");
    }
}

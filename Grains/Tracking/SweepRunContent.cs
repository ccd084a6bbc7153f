using System.Globalization;
using System.Text.Json;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Tracking;

namespace FocusedQuantization.Grains.Tracking;

/// <summary>The tags, params and metrics the tracking contract puts on a sweep's parent run and its trials' child runs.</summary>
public static class SweepRunContent
{
    private static readonly JsonSerializerOptions SpecJson = new(JsonSerializerDefaults.Web);

    /// <summary>Tags of the sweep's run: fq.kind, fq.sweep_id and the spec as JSON (fq.key is added by the outbox).</summary>
    public static IReadOnlyList<MlflowRunTag> SweepTags(string sweepId, SweepSpec spec) =>
    [
        new("fq.kind", "sweep"),
        new("fq.sweep_id", sweepId),
        new("fq.spec", JsonSerializer.Serialize(spec, SpecJson)),
    ];

    /// <summary>The spec flattened into params; lists are comma-joined, absent values left out.</summary>
    public static IReadOnlyList<MlflowParam> SweepParams(SweepSpec spec)
    {
        var space = spec.Space;
        var values = new (string Key, string? Value)[]
        {
            ("model", spec.Model),
            ("dataset", spec.Dataset),
            ("seed", Text(spec.Seed)),
            ("strategy", SweepVocabulary.Name(spec.Strategy.Kind)),
            ("strategy.budget", Text(spec.Strategy.Budget)),
            ("concurrency", Text(spec.Concurrency)),
            ("max_top1_drop", Text(spec.MaxTop1Drop)),
            ("objectives", string.Join(",", spec.Objectives.Select(o => (o.Maximize ? "max:" : "min:") + SweepVocabulary.Name(o.Metric)))),
            ("training.baseline_epochs", Text(spec.Training.BaselineEpochs)),
            ("training.prune_epochs", Text(spec.Training.PruneEpochs)),
            ("training.batch_size", Text(spec.Training.BatchSize)),
            ("training.learning_rate", Text(spec.Training.LearningRate)),
            ("training.train_limit", Text(spec.Training.TrainLimit)),
            ("training.test_limit", Text(spec.Training.TestLimit)),
            ("space.target_sparsity", Range(space, SpaceKeys.Sparsity) ?? Join(space.TargetSparsity)),
            ("space.prune_alpha", Range(space, SpaceKeys.PruneAlpha) ?? Join(space.PruneAlpha)),
            ("space.bits_policy", space.Bits.SearchesPolicy ? SweepVocabulary.Join(space.Bits.Policies!) : SweepVocabulary.Name(space.Bits.Policy)),
            ("space.bits", Range(space, SpaceKeys.Bits) ?? Join(space.Bits.Values)),
            ("space.bits_candidates", Join(space.Bits.Candidates)),
            ("space.budget_bits_per_weight", Range(space, SpaceKeys.BudgetBitsPerWeight) ?? Join(space.Bits.BudgetBitsPerWeight)),
            ("space.w_sep", Range(space, SpaceKeys.WSep) ?? Join(space.WSep)),
            ("space.overflow_rate", Range(space, SpaceKeys.OverflowRate) ?? string.Join(",", space.OverflowRate.Select(r => r is { } v ? Text(v) : "default"))),
            ("space.schedule_scale", Range(space, SpaceKeys.ScheduleScale) ?? Join(space.ScheduleScale)),
            ("space.fine_tune_lr", Range(space, SpaceKeys.FineTuneLearningRate) ?? Join(space.FineTuneLearningRate)),
            ("space.coding", SweepVocabulary.Join(space.Coding)),
            // Left out at the default, so that a sweep's params read as they did before the knob existed.
            ("space.fine_tune", IsDefaultFineTune(space.FineTune) ? null : SweepVocabulary.Join(space.FineTune)),
        };
        var layers = (space.Layers ?? []).SelectMany(l => new (string Key, string? Value)[]
        {
            ($"space.layers.{l.Layer}.sparsity", l.SparsityRange is { } s ? Text(s) : Join(l.Sparsity)),
            ($"space.layers.{l.Layer}.bits", l.BitsRange is { } b ? Text(b) : Join(l.Bits)),
        });
        return values.Concat(layers).Where(v => !string.IsNullOrEmpty(v.Value)).Select(v => new MlflowParam(v.Key, v.Value!)).ToArray();
    }

    /// <summary>A key's range as "low..high" with " step S" and " log" when so; null when the key is a list.</summary>
    private static string? Range(SearchSpace space, string key) => space.RangeOf(key) is { } range ? Text(range) : null;

    private static string Text(ValueRange range) =>
        $"{Text(range.Low)}..{Text(range.High)}{(range.Step is { } step ? " step " + Text(step) : "")}{(range.Log ? " log" : "")}";

    /// <summary>Tags of a trial's run at creation (mlflow.parentRunId and fq.key are added by the outbox).</summary>
    public static IReadOnlyList<MlflowRunTag> TrialTags(string sweepId, string trialId) =>
    [
        new("fq.kind", "trial"),
        new("fq.sweep_id", sweepId),
        new("fq.trial_id", trialId),
    ];

    private static bool IsDefaultFineTune(IReadOnlyList<FineTuning> modes) => modes is [FineTuning.Ste];

    /// <summary>The trial's config as params.</summary>
    public static IReadOnlyList<MlflowParam> TrialParams(TrialConfig config)
    {
        var values = new (string Key, string? Value)[]
        {
            ("model", config.Model),
            ("dataset", config.Dataset),
            ("seed", Text(config.Seed)),
            ("target_sparsity", Text(config.TargetSparsity)),
            ("prune_alpha", Text(config.PruneAlpha)),
            ("bits", Text(config.Bits)),
            ("bits_policy", SweepVocabulary.Name(config.BitsPolicy)),
            ("budget_bits_per_weight", Text(config.BudgetBitsPerWeight)),
            ("w_sep", Text(config.WSep)),
            ("overflow_rate", config.OverflowRate is { } rate ? Text(rate) : "default"),
            ("schedule_scale", Text(config.ScheduleScale)),
            ("fine_tune_lr", Text(config.FineTuneLearningRate)),
            ("coding", SweepVocabulary.Name(config.Coding)),
            ("fine_tune", config.FineTune == FineTuning.Ste ? null : SweepVocabulary.Name(config.FineTune)),
        };
        // A layer's own settings, by weight name in ordinal order (absent unless the space has per-layer dimensions).
        var layers = (config.LayerSparsity ?? new Dictionary<string, double>()).OrderBy(l => l.Key, StringComparer.Ordinal)
            .Select(l => ($"layer_sparsity.{l.Key}", (string?)Text(l.Value)))
            .Concat((config.LayerBits ?? new Dictionary<string, int>()).OrderBy(l => l.Key, StringComparer.Ordinal)
                .Select(l => ($"layer_bits.{l.Key}", (string?)Text(l.Value))));
        return values.Concat(layers).Where(v => !string.IsNullOrEmpty(v.Item2)).Select(v => new MlflowParam(v.Item1, v.Item2!)).ToArray();
    }

    /// <summary>
    /// A completed trial's metrics, all stamped <paramref name="timestamp"/>: the summary, each layer's, and each
    /// fine-tuning epoch's train_loss and train_accuracy with the epoch as the step.
    /// </summary>
    public static IReadOnlyList<MlflowMetric> TrialMetrics(TrialResult result, long timestamp)
    {
        // Rungs of an early-stopping sweep: the accuracy curve, one step per fine-tuning epoch evaluated.
        var rungs = result.Rungs.SelectMany(r => new MlflowMetric[]
        {
            new("rung_val_top1", r.ValidationTop1, timestamp, r.Epoch),
            new("rung_top1", r.TestTop1, timestamp, r.Epoch),
        }).ToList();
        if (double.IsFinite(result.EstimatedCompressionRatio)) rungs.Add(new("estimated_cr", result.EstimatedCompressionRatio, timestamp));
        // A trial paused at a rung has no final figures yet.
        if (result.Paused) return rungs;
        var metrics = new List<MlflowMetric>(rungs)
        {
            new("cr", result.CompressionRatio, timestamp),
            new("top1", result.Top1, timestamp),
            new("top5", result.Top5, timestamp),
            new("sparsity", result.Sparsity, timestamp),
            new("compressed_bytes", result.CompressedBytes, timestamp),
            new("dense_bytes", result.DenseBytes, timestamp),
            new("top1_dense", result.Top1Dense, timestamp),
            new("top5_dense", result.Top5Dense, timestamp),
        };
        // Validation figures (held out of the training data) are what the front and the constraint use.
        if (double.IsFinite(result.ValidationTop1))
        {
            metrics.Add(new("val_top1", result.ValidationTop1, timestamp));
            metrics.Add(new("val_top5", result.ValidationTop5, timestamp));
            metrics.Add(new("val_top1_dense", result.ValidationTop1Dense, timestamp));
        }
        foreach (var layer in result.Layers)
        {
            metrics.Add(new(TrackingNames.Layer(layer.Name, "bits"), layer.Bits, timestamp));
            metrics.Add(new(TrackingNames.Layer(layer.Name, "coded_bits"), layer.CodedBits, timestamp));
            metrics.Add(new(TrackingNames.Layer(layer.Name, "sparsity"), layer.Sparsity, timestamp));
        }
        foreach (var epoch in result.FineTuneEpochs)
        {
            metrics.Add(new("train_loss", epoch.Loss, timestamp, epoch.Epoch));
            metrics.Add(new("train_accuracy", epoch.AccuracyPercent, timestamp, epoch.Epoch));
        }
        return metrics;
    }

    /// <summary>Each layer's quantization mode as a tag layer.NAME.mode (shift or recentralized).</summary>
    public static IEnumerable<MlflowRunTag> LayerModeTags(TrialResult result) =>
        result.Layers.Select(l => new MlflowRunTag(TrackingNames.Layer(l.Name, "mode"), SweepVocabulary.Name(l.Mode)));

    /// <summary>The divergences a trial recovered from, one per line, as the tag fq.recoveries; none when it had none.</summary>
    public static IEnumerable<MlflowRunTag> RecoveryTags(TrialResult result)
    {
        if (result.Recoveries.Count == 0) yield break;
        var text = string.Join("\n", result.Recoveries);
        yield return new MlflowRunTag("fq.recoveries", text.Length > 4000 ? text[..4000] : text);
    }

    /// <summary>
    /// The tags of a rung decision: fq.rung (0-based), fq.stop_reason when the trial was stopped, fq.promoted (its rung
    /// history) when it went on. A trial resumed late keeps its fq.stop_reason: fq.promoted then says it was resumed.
    /// </summary>
    public static IReadOnlyList<MlflowRunTag> RungTags(int rung, string? stopReason, string? promotion)
    {
        var tags = new List<MlflowRunTag> { new("fq.rung", rung.ToString(System.Globalization.CultureInfo.InvariantCulture)) };
        if (stopReason is not null) tags.Add(new MlflowRunTag("fq.stop_reason", stopReason));
        if (promotion is not null) tags.Add(new MlflowRunTag("fq.promoted", promotion));
        return tags;
    }

    /// <summary>The run status of a trial's final state.</summary>
    public static MlflowRunStatus Status(TrialState state) => state switch
    {
        TrialState.Completed => MlflowRunStatus.Finished,
        TrialState.Failed => MlflowRunStatus.Failed,
        TrialState.Cancelled => MlflowRunStatus.Killed,
        _ => MlflowRunStatus.Running,
    };

    /// <summary>The run status of a sweep's final state.</summary>
    public static MlflowRunStatus Status(SweepState state) => state switch
    {
        SweepState.Completed => MlflowRunStatus.Finished,
        SweepState.Failed => MlflowRunStatus.Failed,
        SweepState.Cancelled => MlflowRunStatus.Killed,
        _ => MlflowRunStatus.Running,
    };

    /// <summary>Unix epoch milliseconds of a time, or of now when there is none.</summary>
    public static long Millis(DateTimeOffset? at) => (at ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds();

    private static string? Text(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static string? Text(double? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static string? Join<T>(IReadOnlyList<T>? values) where T : IFormattable =>
        values is null ? null : string.Join(",", values.Select(v => v.ToString(null, CultureInfo.InvariantCulture)));
}

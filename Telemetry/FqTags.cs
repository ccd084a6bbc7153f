namespace FocusedQuantization.Telemetry;

/// <summary>Names of the product's span attributes and metric tags.</summary>
public static class FqTags
{
    /// <summary>The sweep's id.</summary>
    public const string SweepId = "fq.sweep_id";

    /// <summary>The trial's id (sweep id / index).</summary>
    public const string TrialId = "fq.trial_id";

    /// <summary>A layer's parameter name.</summary>
    public const string Layer = "fq.layer";

    /// <summary>Bit width (uniform), or the candidate widths of a layer search.</summary>
    public const string Bits = "fq.bits";

    /// <summary>Fine-tuning epochs a trial of an early-stopping sweep had done when it paused for the sweep's decision.</summary>
    public const string PausedAtEpoch = "fq.paused_at_epoch";

    /// <summary>Quantization or bit-width mode: the trial's bits policy, a layer's chosen mode.</summary>
    public const string Mode = "fq.mode";

    /// <summary>Compression ratio of a finished trial.</summary>
    public const string CompressionRatio = "fq.cr";

    /// <summary>Top-1 accuracy in percent (trial or evaluation).</summary>
    public const string Top1 = "fq.top1";

    /// <summary>Stage of a duration or throughput measurement: baseline, prune, layer_search, fine_tune, encode, evaluate, trial.</summary>
    public const string Stage = "fq.stage";

    /// <summary>Fine-tuning epoch number (1-based).</summary>
    public const string Epoch = "fq.epoch";

    /// <summary>Model name.</summary>
    public const string Model = "fq.model";

    /// <summary>Number of trials of a sweep.</summary>
    public const string Trials = "fq.trials";

    /// <summary>Target sparsity of a pruning or trial.</summary>
    public const string Sparsity = "fq.sparsity";
}

namespace FocusedQuantization.Telemetry;

/// <summary>Names of the product's spans.</summary>
public static class FqSpans
{
    /// <summary>`fq sweep launch` in the client: from the spec to the sweep's acceptance.</summary>
    public const string Launch = "fq.launch";

    /// <summary>The sweep grain accepting a sweep; every trial span is its child.</summary>
    public const string Sweep = "fq.sweep";

    /// <summary>One trial, from its start (or resumption) to its outcome.</summary>
    public const string Trial = "fq.trial";

    /// <summary>Training (or finding) the dense baseline.</summary>
    public const string Baseline = "fq.baseline";

    /// <summary>Pruning (or finding) a checkpoint of the baseline.</summary>
    public const string Prune = "fq.prune";

    /// <summary>One layer's quantization search.</summary>
    public const string LayerSearch = "fq.layer_search";

    /// <summary>Focused quantization with incremental fine-tuning; one child per epoch.</summary>
    public const string FineTune = "fq.fine_tune";

    /// <summary>One fine-tuning epoch.</summary>
    public const string FineTuneEpoch = "fq.fine_tune.epoch";

    /// <summary>Coding the quantized model into its .fqz file.</summary>
    public const string Encode = "fq.encode";

    /// <summary>Evaluating the model decoded from the .fqz file.</summary>
    public const string Evaluate = "fq.evaluate";
}

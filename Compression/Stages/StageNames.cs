namespace FocusedQuantization.Compression.Stages;

/// <summary>The names, in a <see cref="CheckpointStore"/>, of the files that make up a stage's output.</summary>
public static class StageNames
{
    /// <summary>The model state (TorchSharp format).</summary>
    public static string Checkpoint(string id) => $"{id}.ckpt";

    /// <summary>The manifest, written last: its presence means the checkpoint is complete.</summary>
    public static string Manifest(string id) => $"{id}.json";

    /// <summary>The pruning masks of a pruned checkpoint.</summary>
    public static string Masks(string id) => $"{id}.masks";

    /// <summary>The fine-tuner's state of a paused trial (plans, quantized sets, scales).</summary>
    public static string FineTunerState(string id) => $"{id}.tuner";

    /// <summary>The trainer's state of a paused trial (optimiser, shuffling generator, counters).</summary>
    public static string TrainerState(string id) => $"{id}.trainer";

    /// <summary>What a paused trial has done so far (epochs, recoveries, rungs, the size estimate), as JSON.</summary>
    public static string PausedProgress(string id) => $"{id}.progress.json";

    /// <summary>The checkpoint's accuracy on the first <paramref name="testLimit"/> test images (null: all).</summary>
    public static string Evaluation(string id, int? testLimit) => $"{id}.eval-{(testLimit is { } n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : "all")}.json";

    /// <summary>The checkpoint's accuracy on the validation images of <paramref name="validation"/> carved from the first <paramref name="trainLimit"/> training images.</summary>
    public static string ValidationEvaluation(string id, Data.ValidationSplit validation, int? trainLimit) =>
        $"{id}.val-{validation}-{(trainLimit is { } n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : "all")}.json";
}

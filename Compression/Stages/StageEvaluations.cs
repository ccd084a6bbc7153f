using System.Text.Json;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Training;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Stages;

/// <summary>Stored accuracies of stage checkpoints, computed once per (checkpoint, evaluation images).</summary>
internal static class StageEvaluations
{
    public static EvaluationResult Ensure(CheckpointStore store, DatasetCache cache, string id, DatasetRequest images, Func<nn.Module<Tensor, Tensor>?> current, string? device = null)
    {
        var name = images.Split switch
        {
            Data.DatasetSplit.Test => StageNames.Evaluation(id, images.Limit),
            Data.DatasetSplit.Validation => StageNames.ValidationEvaluation(id, images.Validation!, images.Limit),
            _ => throw new ArgumentException("Checkpoints are evaluated on test or validation images, not on the images they trained on."),
        };
        if (TryRead(store, name) is { } stored) return stored;
        var data = cache.Get(images);
        EvaluationResult result;
        if (current() is { } model)
        {
            result = Evaluator.Evaluate(model, data);
        }
        else
        {
            using var loaded = StageCheckpoint.Load(store, id);
            result = Evaluator.Evaluate(ComputeDevice.MoveTo(loaded.Model, device), data);
        }
        store.SaveText(name, JsonSerializer.Serialize(result, ReportJson.Options));
        return result;
    }

    private static EvaluationResult? TryRead(CheckpointStore store, string name)
    {
        if (!store.Exists(name)) return null;
        try
        {
            return JsonSerializer.Deserialize<EvaluationResult>(store.ReadText(name), ReportJson.Options);
        }
        catch (JsonException)
        {
            // A damaged evaluation is recomputed, never trusted.
            return null;
        }
    }
}

using System.Text.Json;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Training;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Stages;

/// <summary>Stored accuracies of stage checkpoints, computed once per (checkpoint, test limit).</summary>
internal static class StageEvaluations
{
    public static EvaluationResult Ensure(CheckpointStore store, string id, DatasetRequest test, Func<nn.Module<Tensor, Tensor>?> current)
    {
        var name = StageNames.Evaluation(id, test.Limit);
        if (TryRead(store, name) is { } stored) return stored;
        var data = DatasetCache.Shared.Get(test);
        EvaluationResult result;
        if (current() is { } model)
        {
            result = Evaluator.Evaluate(model, data);
        }
        else
        {
            using var loaded = StageCheckpoint.Load(store, id);
            result = Evaluator.Evaluate(loaded.Model, data);
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

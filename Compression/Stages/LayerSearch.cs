using System.Text.Json;
using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Quantization;
using FocusedQuantization.Compression.Retraining;
using FocusedQuantization.Compression.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Stages;

/// <summary>
/// The per-layer quantization search: for each candidate width, plans the layer (mixture fit, mode, bias), measures
/// its coded size and quantization error, and evaluates the model with only that layer quantized, on validation
/// images held out of the training data (the test images are never used to choose). Deterministic;
/// results are stored, so the same question is answered from the store the second time.
/// </summary>
public static class LayerSearch
{
    /// <summary>Runs (or reads back) the search <paramref name="request"/> describes.</summary>
    public static LayerSearchResult Run(LayerSearchRequest request, CheckpointStore store, DatasetCache data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(data);
        request.Validate();
        var manifest = StageCheckpoint.ReadManifest(store, request.PrunedCheckpointId);
        var index = manifest.Layers.ToList().IndexOf(request.Layer);
        if (index < 0)
            throw new ArgumentException($"Checkpoint '{request.PrunedCheckpointId}' has no layer '{request.Layer}'. Its layers: {string.Join(", ", manifest.Layers)}.");
        var id = request.Id;
        var name = $"{id}.json";
        return store.WithLock(id, () =>
        {
            if (store.Exists(name)) return JsonSerializer.Deserialize<LayerSearchResult>(store.ReadText(name), ReportJson.Options)!;
            TorchThreads.Use();
            var result = Search(request, store, data, manifest, index, cancellationToken);
            store.SaveText(name, JsonSerializer.Serialize(result, ReportJson.Options));
            return result;
        });
    }

    private static LayerSearchResult Search(LayerSearchRequest request, CheckpointStore store, DatasetCache data, CheckpointManifest manifest, int index, CancellationToken cancellationToken)
    {
        using var checkpoint = StageCheckpoint.Load(store, request.PrunedCheckpointId);
        Training.ComputeDevice.MoveTo(checkpoint.Model, request.Device);
        var parameter = checkpoint.Model.named_parameters().First(p => p.name == request.Layer).parameter;
        var weights = ModelState.Values(parameter);
        var mask = checkpoint.Masks?[index].Mask ?? Enumerable.Repeat(true, weights.Length).ToArray();
        var heldOut = data.Get(new DatasetRequest(manifest.Dataset, DatasetSplit.Validation, request.TrainLimit, request.DataDirectory, Validation: request.EffectiveValidation));
        var validation = DatasetSubset.First(request.EffectiveEvaluationLimit).Apply(heldOut);
        var reference = Evaluator.Evaluate(checkpoint.Model, validation).Top1Percent;

        double energy = 0;
        for (var i = 0; i < weights.Length; i++)
            if (mask[i]) energy += (double)weights[i] * weights[i];

        var quantized = new float[weights.Length];
        var points = new List<LayerSearchPoint>();
        var separation = double.NaN;
        foreach (var bits in request.CandidateBits.Distinct().Order())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var options = new QuantizationOptions
            {
                Bits = bits,
                SeparationThreshold = request.WSep,
                OverflowRate = request.OverflowRate,
                Seed = request.Seed + FocusedFineTuner.LayerSeedStride * index,
            };
            var plan = LayerPlanner.Plan(weights, mask, options);
            separation = plan.Separation;
            var symbols = plan.Symbolize(weights, mask);
            var cost = SymbolStreamCoder.Measure(symbols, plan.Parameters.SymbolCount, request.Coding);
            plan.Quantize(weights, mask, quantized);
            double squares = 0;
            for (var i = 0; i < weights.Length; i++)
            {
                // Pruned weights are zero in the checkpoint and decode to zero: they add no error.
                var target = mask[i] ? weights[i] : 0f;
                var d = (double)target - quantized[i];
                squares += d * d;
            }
            Load(parameter, quantized);
            var top1 = Evaluator.Evaluate(checkpoint.Model, validation).Top1Percent;
            Load(parameter, weights);
            points.Add(new LayerSearchPoint(bits, plan.Parameters.Mode, cost.TotalBits, squares / Math.Max(1, weights.Length), energy > 0 ? squares / energy : 0, top1));
        }
        return new LayerSearchResult(request.Layer, weights.Length, separation, points, reference);
    }

    private static void Load(Tensor parameter, float[] values)
    {
        using (no_grad())
        {
            if (parameter.device_type == DeviceType.CPU)
            {
                parameter.data<float>().CopyFrom(values);
                return;
            }
            using var host = torch.from_array(values).view(parameter.shape);
            parameter.copy_(host);
        }
    }
}

using FocusedQuantization.Compression.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Training;

/// <summary>Measures top-1 and top-5 accuracy (in percent) and mean loss of a classifier on a data set.</summary>
public static class Evaluator
{
    /// <summary>
    /// Runs <paramref name="model"/> in eval mode without gradients over <paramref name="data"/> in batches of
    /// <paramref name="batchSize"/>, then restores the model's training mode.
    /// An <see cref="IBatchSource"/> is evaluated with its evaluation transforms; images it skipped as unreadable are
    /// not counted.
    /// </summary>
    public static EvaluationResult Evaluate(nn.Module<Tensor, Tensor> model, IImageSet data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        var k = Math.Min(5, data.Classes);
        long top1 = 0, top5 = 0;
        double lossSum = 0;
        var count = 0;
        ForEachBatch(model, data, batchSize, (logits, labels, _) =>
        {
            lossSum += nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).item<float>();
            top1 += CountInTopK(logits, labels, 1);
            top5 += CountInTopK(logits, labels, k);
            count += (int)labels.shape[0];
        });
        if (count == 0) throw new InvalidDataException($"No image of '{data.Name}' could be read: all {data.Count} were skipped as unreadable.");
        return new EvaluationResult(100.0 * top1 / count, 100.0 * top5 / count, lossSum / count, count);
    }

    /// <summary>
    /// The top-1 class <paramref name="model"/> gives each image of <paramref name="data"/> (eval mode, no gradients);
    /// -1 for an image a batch source skipped as unreadable.
    /// </summary>
    public static long[] Predict(nn.Module<Tensor, Tensor> model, IImageSet data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        var predictions = new long[data.Count];
        Array.Fill(predictions, -1);
        ForEachBatch(model, data, batchSize, (logits, _, positions) =>
        {
            using var argmax = logits.argmax(1);
            using var host = argmax.cpu();
            var top = host.data<long>().ToArray();
            for (var i = 0; i < top.Length; i++) predictions[positions[i]] = top[i];
        });
        return predictions;
    }

    /// <summary>
    /// Calls <paramref name="batch"/> with the logits and labels of each batch (and the positions of its images in the
    /// set), the model in eval mode without gradients, each batch's tensors freed after it; restores the model's training mode.
    /// </summary>
    private static void ForEachBatch(nn.Module<Tensor, Tensor> model, IImageSet data, int batchSize, Action<Tensor, Tensor, int[]> batch)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (batchSize < 1) throw new ArgumentException($"Batch size must be at least 1, got {batchSize}.", nameof(batchSize));
        if (data is not ImageDataset and not IBatchSource)
            throw new ArgumentException($"Data set '{data.Name}' is neither in memory nor a batch source.", nameof(data));
        var wasTraining = model.training;
        // Batches follow the model: made on the CPU, moved to its device (not at all on the CPU).
        var device = ComputeDevice.Of(model);
        model.eval();
        try
        {
            using var noGrad = torch.no_grad();
            if (data is ImageDataset inMemory)
            {
                using var tensors = new DatasetTensors(inMemory);
                for (long start = 0; start < tensors.Count; start += batchSize)
                {
                    using var scope = torch.NewDisposeScope();
                    var length = Math.Min(batchSize, tensors.Count - start);
                    var logits = model.forward(ComputeDevice.On(tensors.Images.narrow(0, start, length), device));
                    batch(logits, ComputeDevice.On(tensors.Labels.narrow(0, start, length), device), Positions(start, length));
                }
            }
            else
            {
                if (data.Count == 0) throw new ArgumentException($"Data set '{data.Name}' is empty.");
                foreach (var host in ((IBatchSource)data).EvaluationBatches(batchSize))
                {
                    if (host.Count == 0) continue;
                    using var scope = torch.NewDisposeScope();
                    var logits = model.forward(ComputeDevice.On(torch.tensor(host.Pixels, [host.Count, data.Channels, data.Height, data.Width]), device));
                    batch(logits, ComputeDevice.On(torch.tensor(host.Labels), device), host.Positions);
                }
            }
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    private static int[] Positions(long start, long length)
    {
        var positions = new int[length];
        for (var i = 0; i < positions.Length; i++) positions[i] = (int)(start + i);
        return positions;
    }

    /// <summary>How many rows of <paramref name="logits"/> (N x classes) have their label among their k largest entries.</summary>
    public static long CountInTopK(Tensor logits, Tensor labels, int k)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        if (k < 1 || k > logits.shape[1])
            throw new ArgumentException($"k must be between 1 and the {logits.shape[1]} classes, got {k}.", nameof(k));
        using var scope = torch.NewDisposeScope();
        var (_, indices) = logits.topk(k, dim: 1);
        return indices.eq(labels.unsqueeze(1)).any(1).sum().item<long>();
    }
}

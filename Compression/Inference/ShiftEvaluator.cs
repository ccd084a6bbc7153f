using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.Training;

namespace FocusedQuantization.Compression.Inference;

/// <summary>Top-1, top-5 and mean loss of a <see cref="ShiftNetwork"/> on a data set, as <see cref="Evaluator"/> reports them for float models.</summary>
public static class ShiftEvaluator
{
    /// <summary>
    /// Runs every image of <paramref name="data"/> through <paramref name="network"/>; when
    /// <paramref name="predictions"/> is given (one entry per image) it receives each image's top-1 class.
    /// </summary>
    public static EvaluationResult Evaluate(ShiftNetwork network, ImageDataset data, long[]? predictions = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        var shape = network.Shape;
        if ((data.Channels, data.Height, data.Width) != (shape.Channels, shape.Height, shape.Width))
            throw new ArgumentException(
                $"{network.ModelName} takes {shape.Channels}x{shape.Height}x{shape.Width} images but '{data.Name}' has " +
                $"{data.Channels}x{data.Height}x{data.Width}.", nameof(data));
        if (data.Classes != shape.Classes)
            throw new ArgumentException($"{network.ModelName} has {shape.Classes} classes but '{data.Name}' has {data.Classes}.", nameof(data));
        if (data.Count == 0) throw new ArgumentException($"Data set '{data.Name}' is empty.", nameof(data));
        if (predictions is not null && predictions.Length != data.Count)
            throw new ArgumentException($"{predictions.Length} prediction slots for {data.Count} images.", nameof(predictions));

        var k = Math.Min(5, shape.Classes);
        long top1 = 0, top5 = 0;
        double lossSum = 0;
        for (var n = 0; n < data.Count; n++)
        {
            var logits = network.Forward(data.Pixels.AsSpan(n * data.ImageSize, data.ImageSize));
            if (!logits.All(float.IsFinite))
                throw new InvalidOperationException($"{network.ModelName} gives image {n} of '{data.Name}' a logit that is not finite.");
            var label = (int)data.Labels[n];
            var rank = Rank(logits, label);
            if (rank == 0) top1++;
            if (rank < k) top5++;
            lossSum += CrossEntropy(logits, label);
            if (predictions is not null) predictions[n] = ArgMax(logits);
        }
        return new EvaluationResult(100.0 * top1 / data.Count, 100.0 * top5 / data.Count, lossSum / data.Count, data.Count);
    }

    // How many classes come before the label; ties go to the lower index, as ArgMax breaks them.
    private static int Rank(float[] logits, int label)
    {
        var rank = 0;
        for (var c = 0; c < logits.Length; c++)
            if (logits[c] > logits[label] || (logits[c] == logits[label] && c < label)) rank++;
        return rank;
    }

    private static int ArgMax(float[] logits)
    {
        var best = 0;
        for (var c = 1; c < logits.Length; c++)
            if (logits[c] > logits[best]) best = c;
        return best;
    }

    // log-sum-exp shifted by the largest logit so that no exp overflows.
    private static double CrossEntropy(float[] logits, int label)
    {
        double max = logits.Max();
        double sum = 0;
        foreach (var v in logits) sum += Math.Exp(v - max);
        return max + Math.Log(sum) - logits[label];
    }
}

using System.Diagnostics;
using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.Inference;
using FocusedQuantization.Compression.Training;

namespace FocusedQuantization.Compression.Pipeline;

/// <summary>
/// A compressed model evaluated twice on the same images: as the float model its weights decode to
/// (<see cref="ModelState.Restore"/> and <see cref="Evaluator"/>), and shift-only on int8 activations
/// (<see cref="ShiftNetwork"/>). Accuracies are in percent, differences (shift-only minus float) in percentage points.
/// </summary>
/// <param name="Dataset">Name of the evaluated data (e.g. fashion-mnist-test).</param>
/// <param name="Images">Images evaluated.</param>
/// <param name="Float">The decoded float model's accuracy.</param>
/// <param name="ShiftOnly">The shift-only network's accuracy.</param>
/// <param name="FloatSeconds">Wall time of the float evaluation (torch, its own thread pool).</param>
/// <param name="ShiftOnlySeconds">Wall time of the shift-only evaluation (one thread, one image at a time).</param>
/// <param name="DisagreeingImages">Images whose top-1 class differs between the two.</param>
/// <param name="TolerancePercentPoints">Largest |difference| in top-1 and top-5 that still passes.</param>
public sealed record ShiftComparison(
    string Dataset,
    int Images,
    EvaluationResult Float,
    EvaluationResult ShiftOnly,
    double FloatSeconds,
    double ShiftOnlySeconds,
    int DisagreeingImages,
    double TolerancePercentPoints)
{
    /// <summary>
    /// Default tolerance, 0.5 percentage points. Per-tensor int8 activations (<see cref="ActivationQuantizer"/>) are
    /// off by at most half a step, 1/254 of the tensor's largest magnitude, at each quantized layer's input: a few
    /// tenths of a percent of the logit range after 2-4 such layers. Only images whose two top logits are about that
    /// close can change class, a small fraction of a trained model's test set; 0.5 pp (50 of 10,000 images) leaves
    /// room for them while a wrong layer, scale or layout, which moves accuracy by whole points, fails.
    /// </summary>
    public const double DefaultTolerancePercentPoints = 0.5;

    // Accuracies are count / images * 100; without slack an exact 0.5 pp could fail on rounding.
    private const double Slack = 1e-9;

    /// <summary>Shift-only minus float top-1, in percentage points.</summary>
    public double Top1Difference => ShiftOnly.Top1Percent - Float.Top1Percent;

    /// <summary>Shift-only minus float top-5, in percentage points.</summary>
    public double Top5Difference => ShiftOnly.Top5Percent - Float.Top5Percent;

    /// <summary>Share of images given the same top-1 class by both, in percent.</summary>
    public double Top1AgreementPercent => Images == 0 ? 100 : 100.0 * (Images - DisagreeingImages) / Images;

    /// <summary>Whether both differences are within the tolerance.</summary>
    public bool WithinTolerance =>
        Math.Abs(Top1Difference) <= TolerancePercentPoints + Slack && Math.Abs(Top5Difference) <= TolerancePercentPoints + Slack;

    /// <summary>Evaluates <paramref name="model"/> both ways on <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">The tolerance is negative or not finite, the model has no shift-only
    /// layout, or the data does not fit the model.</exception>
    public static ShiftComparison Run(CompressedModel model, ImageDataset data, double tolerancePercentPoints = DefaultTolerancePercentPoints)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (!(tolerancePercentPoints >= 0) || !double.IsFinite(tolerancePercentPoints))
            throw new ArgumentException($"The tolerance must be a non-negative number of percentage points, got {tolerancePercentPoints}.", nameof(tolerancePercentPoints));
        // Built first: a model without a shift-only layout fails before the float evaluation is spent.
        var network = ShiftNetwork.FromCompressed(model);

        using var restored = ModelState.Restore(model);
        var clock = Stopwatch.StartNew();
        var floatResult = Evaluator.Evaluate(restored, data);
        var floatSeconds = clock.Elapsed.TotalSeconds;
        var floatPredictions = Evaluator.Predict(restored, data);

        var shiftPredictions = new long[data.Count];
        clock.Restart();
        var shiftResult = ShiftEvaluator.Evaluate(network, data, shiftPredictions);
        var shiftSeconds = clock.Elapsed.TotalSeconds;

        var disagreeing = floatPredictions.Zip(shiftPredictions).Count(p => p.First != p.Second);
        return new ShiftComparison(data.Name, data.Count, floatResult, shiftResult, floatSeconds, shiftSeconds,
            disagreeing, tolerancePercentPoints);
    }
}

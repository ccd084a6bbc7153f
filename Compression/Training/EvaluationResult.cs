namespace FocusedQuantization.Compression.Training;

/// <summary>Accuracy of a model on a data set.</summary>
/// <param name="Top1Percent">Share of images whose label is the top logit, in percent (0-100).</param>
/// <param name="Top5Percent">Share of images whose label is among the five top logits (all, with five classes or fewer), in percent.</param>
/// <param name="Loss">Mean cross-entropy.</param>
/// <param name="Count">Images evaluated.</param>
public sealed record EvaluationResult(double Top1Percent, double Top5Percent, double Loss, int Count);

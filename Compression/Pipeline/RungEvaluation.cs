namespace FocusedQuantization.Compression.Pipeline;

/// <summary>
/// The model as it stood after a fine-tuning epoch (a rung), evaluated: the signal an early stopper decides on.
/// </summary>
/// <param name="Epoch">Fine-tuning epochs done (1-based: 1 is after the first epoch).</param>
/// <param name="ValidationTop1">Top-1 (percent) on the validation images: the figure decisions are made on.</param>
/// <param name="TestTop1">Top-1 (percent) on the test images, only reported.</param>
public sealed record RungEvaluation(int Epoch, double ValidationTop1, double TestTop1);

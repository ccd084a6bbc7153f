namespace FocusedQuantization.Compression.Retraining;

/// <summary>How quantization-aware fine-tuning treats the weights already in a layer's quantized set.</summary>
public enum FineTuneMode
{
    /// <summary>
    /// Straight-through estimator (this project's default): quantized weights enter the forward pass as alpha * Q(w),
    /// their gradient keeps updating the dense weights, so their symbols may change; the mixture, assignments and bias
    /// are re-estimated on the schedule's epochs.
    /// </summary>
    Ste,

    /// <summary>
    /// Incremental network quantization (Zhou et al. 2017, the scheme the paper's schedule follows): a weight is frozen
    /// when it joins the quantized set: its gradient is zeroed, its dense value pinned and its symbol fixed. Only the
    /// not-yet-quantized weights (and alpha, biases, batch norm) train. The plan is never re-estimated, since new
    /// b, mu or sigma would move every frozen weight.
    /// </summary>
    Inq,
}

namespace FocusedQuantization.Compression.Training;

/// <summary>
/// Callbacks the trainer makes around each optimisation step, so that pruning masks and quantized weights can be
/// swapped in for the forward and backward passes while the optimiser keeps updating the dense float weights
/// (the straight-through estimator).
/// </summary>
public interface ITrainingHooks
{
    /// <summary>Called at the start of every epoch (0-based) before its first batch.</summary>
    void OnEpochStart(int epoch) { }

    /// <summary>Called after zero_grad, before the forward pass of a batch.</summary>
    void BeforeForward(long step) { }

    /// <summary>Called after the backward pass, before the optimiser step.</summary>
    void BeforeOptimizerStep(long step) { }

    /// <summary>Called after the optimiser step.</summary>
    void AfterOptimizerStep(long step) { }

    /// <summary>Called after the last batch of an epoch.</summary>
    void OnEpochEnd(int epoch) { }
}

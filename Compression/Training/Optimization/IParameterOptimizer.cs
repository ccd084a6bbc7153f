namespace FocusedQuantization.Compression.Training.Optimization;

/// <summary>Updates a model's parameters from their gradients, one step at a time.</summary>
public interface IParameterOptimizer : IDisposable
{
    /// <summary>The learning rate of the next step.</summary>
    double LearningRate { get; set; }

    /// <summary>Clears every parameter's gradient.</summary>
    void ZeroGrad();

    /// <summary>Applies one update from the current gradients (parameters without a gradient are left as they are).</summary>
    void Step();

    /// <summary>A copy of the state the next steps depend on (momentum, moment estimates, step count).</summary>
    OptimizerState SaveState();

    /// <summary>Puts back a state this optimiser saved, so that the next steps are those that followed it.</summary>
    void LoadState(OptimizerState state);
}

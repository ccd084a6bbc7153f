namespace FocusedQuantization.Compression.Training;

/// <summary>Which optimiser the <see cref="Trainer"/> uses.</summary>
public enum OptimizerKind
{
    /// <summary>Stochastic gradient descent with momentum and weight decay.</summary>
    Sgd,

    /// <summary>Adam (betas 0.9 / 0.999, epsilon 1e-8) with L2 weight decay.</summary>
    Adam,
}

using FocusedQuantization.Compression.Training.Optimization;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Training;

/// <summary>
/// A trainer as it was between two epochs: copies of the model's parameters and buffers, the optimiser's state, the
/// shuffling generator's state, the step and epoch counters and the learning rate. Taken by
/// <see cref="Trainer.Snapshot"/> and put back by <see cref="Trainer.Restore"/> to roll back a diverged epoch.
/// </summary>
public sealed class TrainerSnapshot : IDisposable
{
    internal TrainerSnapshot(Trainer owner, IReadOnlyDictionary<string, Tensor> state, OptimizerState optimizer, Tensor generator, long step, int epochsCompleted, double learningRate)
    {
        Owner = owner;
        State = state.ToDictionary(p => p.Key, p => p.Value.detach().clone().DetachFromDisposeScope());
        Optimizer = optimizer;
        Generator = generator;
        Step = step;
        EpochsCompleted = epochsCompleted;
        LearningRate = learningRate;
    }

    internal Trainer Owner { get; }

    internal IReadOnlyDictionary<string, Tensor> State { get; }

    internal OptimizerState Optimizer { get; }

    internal Tensor Generator { get; }

    internal long Step { get; }

    internal int EpochsCompleted { get; }

    internal double LearningRate { get; }

    /// <summary>Frees the copies.</summary>
    public void Dispose()
    {
        foreach (var tensor in State.Values) tensor.Dispose();
        Optimizer.Dispose();
        Generator.Dispose();
    }
}

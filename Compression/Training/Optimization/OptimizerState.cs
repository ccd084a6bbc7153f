using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Training.Optimization;

/// <summary>
/// A copy of an optimiser's state (its per-parameter buffers and step count) taken by
/// <see cref="IParameterOptimizer.SaveState"/>, so that an epoch can be rolled back with its momentum.
/// </summary>
public sealed class OptimizerState : IDisposable
{
    private readonly Tensor?[][] _buffers;

    internal OptimizerState(IParameterOptimizer owner, long steps, params Tensor?[][] buffers)
    {
        Owner = owner;
        Steps = steps;
        _buffers = buffers.Select(set => set.Select(b => b?.detach().clone().DetachFromDisposeScope()).ToArray()).ToArray();
    }

    internal IParameterOptimizer Owner { get; }

    internal long Steps { get; }

    /// <summary>Copies buffer set <paramref name="set"/> back into <paramref name="live"/> (creating or dropping buffers as needed).</summary>
    internal void CopyInto(int set, Tensor?[] live)
    {
        var saved = _buffers[set];
        using var noGrad = no_grad();
        for (var i = 0; i < live.Length; i++)
        {
            if (saved[i] is not { } copy)
            {
                live[i]?.Dispose();
                live[i] = null;
            }
            else if (live[i] is { } buffer)
            {
                buffer.copy_(copy);
            }
            else
            {
                live[i] = copy.clone().DetachFromDisposeScope();
            }
        }
    }

    /// <summary>Frees the copied buffers.</summary>
    public void Dispose()
    {
        foreach (var buffer in _buffers.SelectMany(set => set)) buffer?.Dispose();
    }
}

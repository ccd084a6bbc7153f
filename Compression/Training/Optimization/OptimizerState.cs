using TorchSharp;
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

    /// <summary>Writes the step count and every buffer (absent ones marked), exactly, for <see cref="Read"/>.</summary>
    internal void Write(BinaryWriter writer)
    {
        writer.Write(Steps);
        writer.Write(_buffers.Length);
        foreach (var set in _buffers)
        {
            writer.Write(set.Length);
            foreach (var buffer in set)
            {
                writer.Write(buffer is not null);
                if (buffer is not null) TensorBytes.Write(writer, buffer);
            }
        }
    }

    /// <summary>
    /// A state <see cref="Write"/> wrote, for <paramref name="owner"/>, each buffer made on the device of
    /// <paramref name="devices"/>' tensor at its index; <see cref="InvalidDataException"/> when it does not fit.
    /// </summary>
    internal static OptimizerState Read(BinaryReader reader, IParameterOptimizer owner, IReadOnlyList<Tensor> devices)
    {
        var steps = reader.ReadInt64();
        var sets = reader.ReadInt32();
        if (sets is < 0 or > 16) throw new InvalidDataException($"The saved optimiser state claims {sets} buffer sets.");
        var buffers = new Tensor?[sets][];
        try
        {
            for (var s = 0; s < sets; s++)
            {
                var count = reader.ReadInt32();
                if (count != devices.Count) throw new InvalidDataException($"The saved optimiser state has {count} buffers for {devices.Count} parameters.");
                buffers[s] = new Tensor?[count];
                for (var i = 0; i < count; i++)
                {
                    if (!reader.ReadBoolean()) continue;
                    var host = TensorBytes.Read(reader);
                    buffers[s][i] = host;
                    if (!host.shape.SequenceEqual(devices[i].shape)) throw new InvalidDataException($"The saved optimiser buffer {i} does not have its parameter's shape.");
                    if (devices[i].device_type == DeviceType.CPU) continue;
                    buffers[s][i] = host.to(devices[i].device).DetachFromDisposeScope();
                    host.Dispose();
                }
            }
            // The state clones what it is given: the tensors read here are freed either way.
            return new OptimizerState(owner, steps, buffers);
        }
        finally
        {
            foreach (var buffer in buffers.Where(set => set is not null).SelectMany(set => set)) buffer?.Dispose();
        }
    }

    /// <summary>Frees the copied buffers.</summary>
    public void Dispose()
    {
        foreach (var buffer in _buffers.SelectMany(set => set)) buffer?.Dispose();
    }
}

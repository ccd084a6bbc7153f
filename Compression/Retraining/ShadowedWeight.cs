using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Retraining;

/// <summary>
/// A weight parameter whose forward pass may see other values (masked or quantized) than the dense float weights
/// the optimiser updates. Between steps the parameter holds the dense weights; for the forward and backward passes
/// it holds <see cref="Effective"/>, and the gradient computed there is applied to the dense weights
/// (the straight-through estimator).
/// </summary>
public sealed class ShadowedWeight
{
    /// <summary>Changes a gradient in place (see <see cref="UpdateGradient"/>).</summary>
    public delegate void GradientUpdate(Span<float> gradient);

    public ShadowedWeight(string name, Tensor parameter)
    {
        if (parameter.dtype != ScalarType.Float32) throw new ArgumentException($"Layer {name} is not float32.", nameof(parameter));
        if (!parameter.is_contiguous()) throw new ArgumentException($"Layer {name} is not contiguous in memory.", nameof(parameter));
        Name = name;
        Parameter = parameter;
        Shape = parameter.shape.Select(d => (int)d).ToArray();
        Dense = new float[parameter.numel()];
        Effective = new float[Dense.Length];
        CaptureDense();
    }

    /// <summary>The parameter's name in the model.</summary>
    public string Name { get; }

    /// <summary>The model's parameter tensor.</summary>
    public Tensor Parameter { get; }

    /// <summary>The parameter's shape.</summary>
    public int[] Shape { get; }

    /// <summary>The dense float weights the optimiser updates (a copy taken by <see cref="CaptureDense"/>).</summary>
    public float[] Dense { get; }

    /// <summary>The weights the forward pass sees.</summary>
    public float[] Effective { get; }

    /// <summary>Number of weights.</summary>
    public int Count => Dense.Length;

    /// <summary>Copies the parameter (holding dense weights) into <see cref="Dense"/>.</summary>
    public void CaptureDense() => Read(Parameter, Dense);

    /// <summary>Puts <see cref="Effective"/> into the parameter for the forward pass.</summary>
    public void LoadEffective() => Write(Effective, Parameter);

    /// <summary>Puts <see cref="Dense"/> back into the parameter so that the optimiser updates the dense weights.</summary>
    public void RestoreDense() => Write(Dense, Parameter);

    /// <summary>Copies the parameter as it is now (whatever it holds) into <paramref name="destination"/>.</summary>
    public void CopyParameterTo(float[] destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (destination.Length != Count) throw new ArgumentException($"Layer {Name} has {Count} weights; the buffer has {destination.Length}.", nameof(destination));
        Read(Parameter, destination);
    }

    /// <summary>Overwrites the parameter with <paramref name="source"/>, leaving <see cref="Dense"/> and <see cref="Effective"/> as they are.</summary>
    public void LoadParameter(float[] source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Length != Count) throw new ArgumentException($"Layer {Name} has {Count} weights; the buffer has {source.Length}.", nameof(source));
        Write(source, Parameter);
    }

    /// <summary>Copies the parameter's gradient into <paramref name="destination"/>; false when it has none.</summary>
    public bool TryCopyGradient(float[] destination)
    {
        using var gradient = Parameter.grad;
        if (gradient is null) return false;
        Read(gradient, destination);
        return true;
    }

    /// <summary>Overwrites the parameter's gradient with <paramref name="source"/>.</summary>
    public void SetGradient(float[] source)
    {
        using var gradient = Parameter.grad;
        if (gradient is not null) Write(source, gradient);
    }

    /// <summary>
    /// Calls <paramref name="update"/> with the parameter's gradient to change it: on the CPU the gradient tensor's own
    /// storage, elsewhere a host copy written back afterwards. False (and no call) when the parameter has no gradient.
    /// </summary>
    public bool UpdateGradient(GradientUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        using var gradient = Parameter.grad;
        if (gradient is null) return false;
        if (gradient.device_type == DeviceType.CPU && gradient.is_contiguous())
        {
            update(Values(gradient));
            return true;
        }
        _hostGradient ??= new float[Count];
        Read(gradient, _hostGradient);
        update(_hostGradient);
        Write(_hostGradient, gradient);
        return true;
    }

    private float[]? _hostGradient;

    // On the CPU the tensor's storage is read and written in place; on another device through a CPU copy.
    private static void Read(Tensor tensor, float[] destination)
    {
        if (tensor.device_type == DeviceType.CPU)
        {
            Values(tensor).CopyTo(destination);
            return;
        }
        using var host = tensor.detach().cpu();
        Values(host).CopyTo(destination);
    }

    private static void Write(float[] source, Tensor tensor)
    {
        if (tensor.device_type == DeviceType.CPU)
        {
            source.CopyTo(Values(tensor));
            return;
        }
        using var host = torch.from_array(source).view(tensor.shape);
        using var noGrad = torch.no_grad();
        tensor.copy_(host);
    }

    // A view of a contiguous CPU tensor's storage: TensorAccessor copies element by element and is ~25x slower,
    // which made the per-step weight swaps dominate fine-tuning.
    private static Span<float> Values(Tensor tensor) => MemoryMarshal.Cast<byte, float>(tensor.bytes);
}

using TorchSharp;

namespace FocusedQuantization.Compression.Training.Optimization;

/// <summary>
/// A torch Scalar that stays reachable for as long as this object is used, rebuilt only when its value changes.
/// </summary>
/// <remarks>
/// Why: TorchSharp turns a double argument into a temporary <see cref="Scalar"/> whose only reference is dropped as soon
/// as its native handle has been read. If a garbage collection runs during the native call, the Scalar's finalizer
/// frees the native value while libtorch is still reading it, and the operation sees garbage (a learning rate of NaN
/// or 1e30, or "Unknown scalar type"). Every Scalar this project passes to torch is held by a field or a using
/// variable, so it outlives the call.
/// </remarks>
internal sealed class HeldScalar : IDisposable
{
    private Scalar _scalar;

    public HeldScalar(double value)
    {
        Value = value;
        _scalar = value.ToScalar();
    }

    public double Value { get; private set; }

    /// <summary>The Scalar; valid until the next <see cref="Set"/> or <see cref="Dispose"/>.</summary>
    public Scalar Scalar => _scalar;

    public void Set(double value)
    {
        if (value.Equals(Value)) return;
        var old = _scalar;
        _scalar = value.ToScalar();
        Value = value;
        old.Dispose();
    }

    public void Dispose() => _scalar.Dispose();
}

using TorchSharp;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Models;

/// <summary>The residual sum of the ResNet and MobileNet blocks.</summary>
internal static class Residual
{
    /// <summary>
    /// <paramref name="main"/> + <paramref name="shortcut"/>. Tensor.add(other) passes a temporary Scalar 1 that a
    /// finalizer may free mid-call (docs/ALGORITHM.md, "Numerical trust"); this one is held for the call.
    /// </summary>
    public static Tensor Add(Tensor main, Tensor shortcut)
    {
        using var one = 1.ToScalar();
        return main.add(shortcut, one);
    }
}

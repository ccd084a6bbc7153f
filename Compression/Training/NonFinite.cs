using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Training;

/// <summary>Finds NaN and infinities in weights, cheaply enough to look after every optimiser step.</summary>
public static class NonFinite
{
    /// <summary>The index of the first NaN or infinity in <paramref name="values"/>, or -1 when all are finite.</summary>
    public static int IndexOf(ReadOnlySpan<float> values)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // x - x is 0 for every finite x and NaN for NaN and +-inf: one compare per vector covers both.
            var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
            var v = 0;
            while (v < vectors.Length && Vector.EqualsAll(vectors[v] - vectors[v], Vector<float>.Zero)) v++;
            i = v * Vector<float>.Count;
        }
        for (; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i])) return i;
        }
        return -1;
    }

    /// <summary>
    /// The flat index and value of the first NaN or infinity in <paramref name="tensor"/>, or null when all are finite
    /// (integer tensors always are). A contiguous float32 CPU tensor is read in place, without a copy.
    /// </summary>
    public static (long Index, double Value)? Find(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!tensor.is_floating_point()) return null;
        if (tensor.dtype == ScalarType.Float32 && tensor.device_type == DeviceType.CPU && tensor.is_contiguous())
        {
            var values = MemoryMarshal.Cast<byte, float>(tensor.bytes);
            var index = IndexOf(values);
            return index < 0 ? null : (index, values[index]);
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var bad = isfinite(tensor).logical_not().flatten().nonzero();
        if (bad.shape[0] == 0) return null;
        var first = bad[0, 0].item<long>();
        return (first, tensor.flatten()[first].to_type(ScalarType.Float64).item<double>());
    }
}

using FocusedQuantization.Benchmarks.Planning;
using FocusedQuantization.Compression.Quantization;

namespace FocusedQuantization.Benchmarks.Quantization;

/// <summary>A planned ResNet-50 layer (layer3's 3x3 convolution, 589,824 weights, 82.7 % sparse) for the kernel benchmarks.</summary>
internal sealed class RealisticLayer
{
    /// <summary>Weights in the layer; the benchmarks' OperationsPerInvoke.</summary>
    public const int Count = 589_824;

    private RealisticLayer(float[] weights, bool[] mask, LayerPlan plan)
    {
        Weights = weights;
        Mask = mask;
        Plan = plan;
        Symbols = plan.Symbolize(weights, mask);
    }

    public float[] Weights { get; }
    public bool[] Mask { get; }
    public LayerPlan Plan { get; }
    public int[] Symbols { get; }

    /// <summary>The layer planned in <paramref name="mode"/> at <paramref name="bits"/> bits.</summary>
    public static RealisticLayer Create(QuantizationMode mode, int bits = 5)
    {
        var (weights, mask) = ResNet50Weights.Layer([256, 256, 3, 3], seed: 7);
        var plan = LayerPlanner.Plan(weights, mask, new QuantizationOptions { Bits = bits }, mode, alpha: 1f);
        if (weights.Length != Count) throw new InvalidOperationException("The layer changed size; update RealisticLayer.Count.");
        return new RealisticLayer(weights, mask, plan);
    }
}

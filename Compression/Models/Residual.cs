using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Models;

/// <summary>The residual sum of the ResNet and MobileNet blocks, and the steps the ResNet blocks share.</summary>
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

    /// <summary>relu(bn(conv(input))), the intermediates freed at once.</summary>
    public static Tensor ConvBnRelu(Conv2d conv, BatchNorm2d bn, Tensor input)
    {
        using var normalized = ConvBn(conv, bn, input);
        return nn.functional.relu(normalized);
    }

    /// <summary>bn(conv(input)), the convolution's output freed at once.</summary>
    public static Tensor ConvBn(Conv2d conv, BatchNorm2d bn, Tensor input)
    {
        using var convolved = conv.forward(input);
        return bn.forward(convolved);
    }

    /// <summary>relu(main + shortcut): the end of every ResNet block.</summary>
    public static Tensor AddRelu(Tensor main, Tensor shortcut)
    {
        using var sum = Add(main, shortcut);
        return nn.functional.relu(sum);
    }

    /// <summary>
    /// torchvision's projection shortcut, a 1x1 strided convolution and batch norm (state-dict names downsample.0 and
    /// downsample.1), when the stride or the width changes; otherwise null (the identity).
    /// </summary>
    public static Sequential? Projection(int input, int output, int stride) =>
        stride != 1 || input != output
            ? nn.Sequential(nn.Conv2d(input, output, 1, stride: stride, bias: false), nn.BatchNorm2d(output))
            : null;

    /// <summary>The input through <paramref name="projection"/>, or the input itself (an alias) when there is none.</summary>
    public static Tensor Shortcut(Sequential? projection, Tensor input) => projection is null ? input.alias() : projection.forward(input);
}

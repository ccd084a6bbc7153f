using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Models;

/// <summary>
/// The 9-convolution CIFAR-style network of the paper's small-model experiment, laid out as All-CNN-C
/// (Springenberg et al. 2015) with batch norm and narrower layers so that it trains on a CPU.
/// </summary>
/// <remarks>
/// Layout (k = kernel, s = stride; every convolution but the last is followed by batch norm and ReLU, and has no bias):
/// conv1 k3 C-&gt;w1, conv2 k3 w1-&gt;w1, conv3 k3 s2 w1-&gt;w1,
/// conv4 k3 w1-&gt;w2, conv5 k3 w2-&gt;w2, conv6 k3 s2 w2-&gt;w2,
/// conv7 k3 w2-&gt;w2, conv8 k1 w2-&gt;w2, conv9 k1 w2-&gt;classes (with bias), then global average pooling.
/// All-CNN-C uses w1 = 96, w2 = 192 and dropout; here w1 = 32, w2 = 64 by default (153,322 parameters on 28x28x1 with 10 classes), no dropout.
/// Strided convolutions take the place of pooling, so all nine layers carry weights to quantize.
/// </remarks>
public sealed class Cifar9 : nn.Module<Tensor, Tensor>
{
    private readonly Sequential features;

    /// <summary>Builds the network for <paramref name="shape"/> (default 1 x 28 x 28, 10 classes) with stage widths w1, w2.</summary>
    public Cifar9(ModelShape? shape = null, int width1 = 32, int width2 = 64) : base("Cifar9")
    {
        shape ??= ModelShape.Mnist;
        shape.Validate();
        if (width1 <= 0 || width2 <= 0)
            throw new ArgumentException($"Cifar9 widths must be positive, got {width1} and {width2}.");
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        void ConvBnRelu(int index, int input, int output, int kernel, int stride)
        {
            layers.Add(($"conv{index}", nn.Conv2d(input, output, kernel, stride: stride, padding: kernel / 2, bias: false)));
            layers.Add(($"bn{index}", nn.BatchNorm2d(output)));
            layers.Add(($"relu{index}", nn.ReLU()));
        }
        ConvBnRelu(1, shape.Channels, width1, 3, 1);
        ConvBnRelu(2, width1, width1, 3, 1);
        ConvBnRelu(3, width1, width1, 3, 2);
        ConvBnRelu(4, width1, width2, 3, 1);
        ConvBnRelu(5, width2, width2, 3, 1);
        ConvBnRelu(6, width2, width2, 3, 2);
        ConvBnRelu(7, width2, width2, 3, 1);
        ConvBnRelu(8, width2, width2, 1, 1);
        layers.Add(("conv9", nn.Conv2d(width2, shape.Classes, 1)));
        features = nn.Sequential(layers);
        RegisterComponents();
    }

    /// <summary>Maps a batch N x C x H x W to N x classes logits.</summary>
    public override Tensor forward(Tensor input)
    {
        using var maps = features.forward(input);
        return maps.mean([2L, 3L]);
    }
}

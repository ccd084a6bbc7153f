using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Models;

/// <summary>
/// torchvision's Bottleneck (ResNet v1.5): conv1x1-BN-ReLU, conv3x3 (strided)-BN-ReLU, conv1x1 to 4 x width-BN, plus
/// the input or its downsample (1x1 strided convolution and batch norm, downsample.0 and downsample.1).
/// </summary>
internal sealed class TorchvisionBottleneck : nn.Module<Tensor, Tensor>
{
    private const int Expansion = 4;
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d bn3;
    private readonly Sequential? downsample;

    public TorchvisionBottleneck(int input, int width, int stride) : base("Bottleneck")
    {
        var output = width * Expansion;
        conv1 = nn.Conv2d(input, width, 1, bias: false);
        bn1 = nn.BatchNorm2d(width);
        conv2 = nn.Conv2d(width, width, 3, stride: stride, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(width);
        conv3 = nn.Conv2d(width, output, 1, bias: false);
        bn3 = nn.BatchNorm2d(output);
        register_module("conv1", conv1);
        register_module("bn1", bn1);
        register_module("conv2", conv2);
        register_module("bn2", bn2);
        register_module("conv3", conv3);
        register_module("bn3", bn3);
        downsample = Residual.Projection(input, output, stride);
        if (downsample is not null) register_module("downsample", downsample);
    }

    public override Tensor forward(Tensor input)
    {
        using var a1 = Residual.ConvBnRelu(conv1, bn1, input);
        using var a2 = Residual.ConvBnRelu(conv2, bn2, a1);
        using var b3 = Residual.ConvBn(conv3, bn3, a2);
        using var identity = Residual.Shortcut(downsample, input);
        return Residual.AddRelu(b3, identity);
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Models;

/// <summary>
/// torchvision's BasicBlock: conv3x3-BN-ReLU-conv3x3-BN plus the input, or, when the stride or width changes, a
/// 1x1 strided convolution and batch norm named downsample.0 and downsample.1.
/// </summary>
internal sealed class TorchvisionBasicBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;

    public TorchvisionBasicBlock(int input, int width, int stride) : base("BasicBlock")
    {
        conv1 = nn.Conv2d(input, width, 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(width);
        conv2 = nn.Conv2d(width, width, 3, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(width);
        register_module("conv1", conv1);
        register_module("bn1", bn1);
        register_module("conv2", conv2);
        register_module("bn2", bn2);
        downsample = Residual.Projection(input, width, stride);
        if (downsample is not null) register_module("downsample", downsample);
    }

    public override Tensor forward(Tensor input)
    {
        using var a1 = Residual.ConvBnRelu(conv1, bn1, input);
        using var b2 = Residual.ConvBn(conv2, bn2, a1);
        using var identity = Residual.Shortcut(downsample, input);
        return Residual.AddRelu(b2, identity);
    }
}

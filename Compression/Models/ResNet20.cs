using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Models;

/// <summary>
/// ResNet-20 for CIFAR-sized inputs (He et al. 2016, section 4.2): conv3x3 16, three stages of three basic blocks with
/// 16/32/64 channels (stride 2 entering stages 2 and 3), batch norm, global average pooling, fc classes;
/// option-A (parameter-free) shortcuts, so 269,722 parameters with 10 classes.
/// </summary>
public sealed class ResNet20 : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Linear fc;

    /// <summary>Builds the network for <paramref name="shape"/> (default 1 x 28 x 28, 10 classes).</summary>
    public ResNet20(ModelShape? shape = null) : base("ResNet20")
    {
        shape ??= ModelShape.Mnist;
        shape.Validate();
        conv1 = nn.Conv2d(shape.Channels, 16, 3, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(16);
        layer1 = Stage(16, 16, 1);
        layer2 = Stage(16, 32, 2);
        layer3 = Stage(32, 64, 2);
        fc = nn.Linear(64, shape.Classes);
        // Registered one by one because RegisterComponents orders by field name, which would put fc before the stages.
        register_module("conv1", conv1);
        register_module("bn1", bn1);
        register_module("layer1", layer1);
        register_module("layer2", layer2);
        register_module("layer3", layer3);
        register_module("fc", fc);
    }

    /// <summary>Maps a batch N x C x H x W to N x classes logits.</summary>
    public override Tensor forward(Tensor input)
    {
        using var a = Residual.ConvBnRelu(conv1, bn1, input);
        using var s1 = layer1.forward(a);
        using var s2 = layer2.forward(s1);
        using var s3 = layer3.forward(s2);
        using var pooled = s3.mean([2L, 3L]);
        return fc.forward(pooled);
    }

    private static Sequential Stage(int input, int output, int stride) =>
        nn.Sequential(
            new ResNetBasicBlock(input, output, stride),
            new ResNetBasicBlock(output, output, 1),
            new ResNetBasicBlock(output, output, 1));
}

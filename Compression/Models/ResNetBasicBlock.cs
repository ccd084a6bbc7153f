using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Models;

/// <summary>
/// A CIFAR ResNet basic block: conv3x3-BN-ReLU-conv3x3-BN plus an option-A shortcut (identity, or a stride-2
/// subsample zero-padded to the wider channel count, which adds no parameters).
/// </summary>
internal sealed class ResNetBasicBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly int stride;
    private readonly long extraChannels;

    public ResNetBasicBlock(int input, int output, int stride) : base("ResNetBasicBlock")
    {
        conv1 = nn.Conv2d(input, output, 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(output);
        conv2 = nn.Conv2d(output, output, 3, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(output);
        this.stride = stride;
        extraChannels = output - input;
        // In forward order; RegisterComponents would order by field name.
        register_module("conv1", conv1);
        register_module("bn1", bn1);
        register_module("conv2", conv2);
        register_module("bn2", bn2);
    }

    public override Tensor forward(Tensor input)
    {
        using var a1 = Residual.ConvBnRelu(conv1, bn1, input);
        using var b2 = Residual.ConvBn(conv2, bn2, a1);
        using var shortcut = Shortcut(input);
        return Residual.AddRelu(b2, shortcut);
    }

    private Tensor Shortcut(Tensor input)
    {
        if (stride == 1 && extraChannels == 0) return input.alias();
        using var sampled = stride == 1 ? input.alias() : input[.., .., TensorIndex.Slice(null, null, stride), TensorIndex.Slice(null, null, stride)];
        var before = extraChannels / 2;
        return nn.functional.pad(sampled, [0, 0, 0, 0, before, extraChannels - before]);
    }
}

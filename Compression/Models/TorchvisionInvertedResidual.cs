using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Models;

/// <summary>
/// torchvision's InvertedResidual: (1x1 expansion conv-BN-ReLU6 when the ratio is not 1), 3x3 depthwise conv-BN-ReLU6,
/// 1x1 projection conv, BN, all in a Sequential named conv; the input is added when the stride is 1 and the width kept.
/// </summary>
internal sealed class TorchvisionInvertedResidual : nn.Module<Tensor, Tensor>
{
    private readonly Sequential conv;
    private readonly bool residual;

    public TorchvisionInvertedResidual(int input, int output, int stride, int expansion) : base("InvertedResidual")
    {
        var hidden = input * expansion;
        residual = stride == 1 && input == output;
        var layers = new List<nn.Module<Tensor, Tensor>>();
        if (expansion != 1) layers.Add(TorchvisionMobileNetV2.ConvBnRelu6(input, hidden, 1, 1, 1));
        layers.Add(TorchvisionMobileNetV2.ConvBnRelu6(hidden, hidden, 3, stride, hidden));
        layers.Add(nn.Conv2d(hidden, output, 1, bias: false));
        layers.Add(nn.BatchNorm2d(output));
        conv = nn.Sequential(layers);
        register_module("conv", conv);
    }

    public override Tensor forward(Tensor input)
    {
        var y = conv.forward(input);
        if (!residual) return y;
        using (y) return Residual.Add(y, input);
    }
}

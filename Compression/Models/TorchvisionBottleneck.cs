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
        if (stride != 1 || input != output)
        {
            downsample = nn.Sequential(nn.Conv2d(input, output, 1, stride: stride, bias: false), nn.BatchNorm2d(output));
            register_module("downsample", downsample);
        }
    }

    public override Tensor forward(Tensor input)
    {
        using var c1 = conv1.forward(input);
        using var b1 = bn1.forward(c1);
        using var a1 = nn.functional.relu(b1);
        using var c2 = conv2.forward(a1);
        using var b2 = bn2.forward(c2);
        using var a2 = nn.functional.relu(b2);
        using var c3 = conv3.forward(a2);
        using var b3 = bn3.forward(c3);
        using var identity = downsample is null ? input.alias() : downsample.forward(input);
        using var sum = Residual.Add(b3, identity);
        return nn.functional.relu(sum);
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Models;

/// <summary>
/// MobileNet-V2 (Sandler et al. 2018, width 1.0) laid out as torchvision 0.14 builds it, so that its state_dict keys
/// and shapes are torchvision's: features.0 (conv-BN-ReLU6 stem), features.1..17 (inverted residuals, each a
/// Sequential named conv), features.18 (1x1 to 1280), classifier.1 (the linear layer after dropout 0.2).
/// Depthwise convolutions are grouped Conv2d layers and are quantized like every other convolution.
/// </summary>
public sealed class TorchvisionMobileNetV2 : nn.Module<Tensor, Tensor>
{
    // t (expansion), c (output channels), n (repeats), s (stride of the first repeat): torchvision's table.
    private static readonly int[][] Settings = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]];
    private const int StemChannels = 32, LastChannels = 1280;

    private readonly Sequential features;
    private readonly Sequential classifier;

    /// <summary>Builds the network for <paramref name="shape"/>'s channels and classes (any input size of at least 32 pixels).</summary>
    public TorchvisionMobileNetV2(ModelShape shape) : base("MobileNetV2")
    {
        ArgumentNullException.ThrowIfNull(shape);
        shape.Validate();
        var layers = new List<nn.Module<Tensor, Tensor>> { ConvBnRelu6(shape.Channels, StemChannels, 3, 2, 1) };
        var input = StemChannels;
        foreach (var setting in Settings)
        {
            var (t, c, n, s) = (setting[0], setting[1], setting[2], setting[3]);
            for (var i = 0; i < n; i++)
            {
                layers.Add(new TorchvisionInvertedResidual(input, c, i == 0 ? s : 1, t));
                input = c;
            }
        }
        layers.Add(ConvBnRelu6(input, LastChannels, 1, 1, 1));
        features = nn.Sequential(layers);
        classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(LastChannels, shape.Classes));
        register_module("features", features);
        register_module("classifier", classifier);
    }

    /// <summary>Maps a batch N x C x H x W to N x classes logits.</summary>
    public override Tensor forward(Tensor input)
    {
        using var maps = features.forward(input);
        using var pooled = nn.functional.adaptive_avg_pool2d(maps, [1L, 1L]);
        using var flat = pooled.flatten(1);
        return classifier.forward(flat);
    }

    /// <summary>torchvision's Conv2dNormActivation with ReLU6: a bias-free convolution (padding (k-1)/2), batch norm, ReLU6.</summary>
    internal static Sequential ConvBnRelu6(int input, int output, int kernel, int stride, int groups) =>
        nn.Sequential(
            nn.Conv2d(input, output, kernel, stride: stride, padding: (kernel - 1) / 2, groups: groups, bias: false),
            nn.BatchNorm2d(output),
            nn.ReLU6());
}

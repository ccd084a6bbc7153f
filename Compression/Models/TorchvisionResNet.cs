using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Models;

/// <summary>
/// ResNet-18 and ResNet-50 (He et al. 2016) laid out as torchvision 0.14 builds them, so that their state_dict keys
/// and shapes are torchvision's (conv1, bn1, layer1.0.conv1, ..., layerN.0.downsample.0/1, fc): a state_dict saved
/// from torchvision loads as it is and an exported one loads back into torchvision. The stem is a 7x7 stride-2
/// convolution and a 3x3 stride-2 max pool; adaptive average pooling makes any input size of at least 32 pixels work.
/// </summary>
public sealed class TorchvisionResNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly MaxPool2d maxpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly Linear fc;

    private TorchvisionResNet(string name, ModelShape shape, bool bottleneck, int[] blocks) : base(name)
    {
        shape.Validate();
        var expansion = bottleneck ? 4 : 1;
        conv1 = nn.Conv2d(shape.Channels, 64, 7, stride: 2, padding: 3, bias: false);
        bn1 = nn.BatchNorm2d(64);
        maxpool = nn.MaxPool2d(3, stride: 2, padding: 1);
        var inputs = 64;
        Sequential Stage(int width, int count, int stride)
        {
            var stage = new List<nn.Module<Tensor, Tensor>>();
            for (var i = 0; i < count; i++)
            {
                var s = i == 0 ? stride : 1;
                stage.Add(bottleneck ? new TorchvisionBottleneck(inputs, width, s) : new TorchvisionBasicBlock(inputs, width, s));
                inputs = width * expansion;
            }
            return nn.Sequential(stage);
        }
        layer1 = Stage(64, blocks[0], 1);
        layer2 = Stage(128, blocks[1], 2);
        layer3 = Stage(256, blocks[2], 2);
        layer4 = Stage(512, blocks[3], 2);
        fc = nn.Linear(512 * expansion, shape.Classes);
        // In torchvision's order; RegisterComponents would order by field name.
        register_module("conv1", conv1);
        register_module("bn1", bn1);
        register_module("maxpool", maxpool);
        register_module("layer1", layer1);
        register_module("layer2", layer2);
        register_module("layer3", layer3);
        register_module("layer4", layer4);
        register_module("fc", fc);
    }

    /// <summary>torchvision's resnet18: basic blocks [2, 2, 2, 2], 11.7 M parameters with 1000 classes.</summary>
    public static TorchvisionResNet ResNet18(ModelShape shape) => new("ResNet18", shape, bottleneck: false, [2, 2, 2, 2]);

    /// <summary>torchvision's resnet50 (v1.5: stride in the 3x3 convolution): bottlenecks [3, 4, 6, 3], 25.6 M parameters with 1000 classes.</summary>
    public static TorchvisionResNet ResNet50(ModelShape shape) => new("ResNet50", shape, bottleneck: true, [3, 4, 6, 3]);

    /// <summary>Maps a batch N x C x H x W to N x classes logits.</summary>
    public override Tensor forward(Tensor input)
    {
        using var a = Residual.ConvBnRelu(conv1, bn1, input);
        using var p = maxpool.forward(a);
        using var s1 = layer1.forward(p);
        using var s2 = layer2.forward(s1);
        using var s3 = layer3.forward(s2);
        using var s4 = layer4.forward(s3);
        using var pooled = nn.functional.adaptive_avg_pool2d(s4, [1L, 1L]);
        using var flat = pooled.flatten(1);
        return fc.forward(flat);
    }
}

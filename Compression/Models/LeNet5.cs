using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Models;

/// <summary>
/// LeNet-5 as Caffe's example and Deep Compression used it: conv 20@5x5, max-pool 2, conv 50@5x5, max-pool 2, fc 500,
/// fc classes; 431,080 parameters on 28x28x1.
/// </summary>
/// <remarks>
/// Caffe's version has a ReLU only after fc 500; this one also puts a ReLU after each pooling, which adds no
/// parameters and trains more reliably from scratch.
/// </remarks>
public sealed class LeNet5 : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly Linear fc1;
    private readonly Linear fc2;

    /// <summary>Builds the network for <paramref name="shape"/> (default 1 x 28 x 28, 10 classes).</summary>
    public LeNet5(ModelShape? shape = null) : base("LeNet5")
    {
        shape ??= ModelShape.Mnist;
        shape.Validate();
        var height = ((shape.Height - 4) / 2 - 4) / 2;
        var width = ((shape.Width - 4) / 2 - 4) / 2;
        if (height < 1 || width < 1)
            throw new ArgumentException($"LeNet-5 needs inputs of at least 16x16 pixels, got {shape.Height}x{shape.Width}.");
        conv1 = nn.Conv2d(shape.Channels, 20, 5);
        conv2 = nn.Conv2d(20, 50, 5);
        fc1 = nn.Linear(50L * height * width, 500);
        fc2 = nn.Linear(500, shape.Classes);
        RegisterComponents();
    }

    /// <summary>Maps a batch N x C x H x W to N x classes logits.</summary>
    public override Tensor forward(Tensor input)
    {
        using var c1 = conv1.forward(input);
        using var p1 = nn.functional.max_pool2d(c1, 2);
        using var a1 = nn.functional.relu(p1);
        using var c2 = conv2.forward(a1);
        using var p2 = nn.functional.max_pool2d(c2, 2);
        using var a2 = nn.functional.relu(p2);
        using var flat = a2.flatten(1);
        using var h = fc1.forward(flat);
        using var a3 = nn.functional.relu(h);
        return fc2.forward(a3);
    }
}

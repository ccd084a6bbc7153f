using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Models;

/// <summary>
/// LeNet-300-100: a fully connected network (input - 300 - 100 - classes, ReLU between), 266,610 parameters on 28x28x1.
/// </summary>
public sealed class LeNet300100 : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly Linear fc3;

    /// <summary>Builds the network for <paramref name="shape"/> (default 1 x 28 x 28, 10 classes).</summary>
    public LeNet300100(ModelShape? shape = null) : base("LeNet300100")
    {
        shape ??= ModelShape.Mnist;
        shape.Validate();
        fc1 = nn.Linear(shape.Channels * shape.Height * shape.Width, 300);
        fc2 = nn.Linear(300, 100);
        fc3 = nn.Linear(100, shape.Classes);
        RegisterComponents();
    }

    /// <summary>Maps a batch N x C x H x W (or N x C*H*W) to N x classes logits.</summary>
    public override Tensor forward(Tensor input)
    {
        using var flat = input.flatten(1);
        using var h1 = fc1.forward(flat);
        using var a1 = nn.functional.relu(h1);
        using var h2 = fc2.forward(a1);
        using var a2 = nn.functional.relu(h2);
        return fc3.forward(a2);
    }
}

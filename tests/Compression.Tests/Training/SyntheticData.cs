using FocusedQuantization.Compression.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Tests.Training;

/// <summary>Small made-up data sets and models for the training tests.</summary>
internal static class SyntheticData
{
    /// <summary>
    /// Points in the unit square as 1 x 1 x 2 "images"; class = quadrant (0: x&lt;.5,y&lt;.5; 1: x&gt;=.5,y&lt;.5; 2: x&lt;.5,y&gt;=.5; 3: both &gt;=.5),
    /// kept 0.1 away from the boundaries so the classes are separable.
    /// </summary>
    public static ImageDataset Quadrants(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new float[2 * count];
        var labels = new long[count];
        for (var i = 0; i < count; i++)
        {
            var label = random.Next(4);
            float Coordinate(bool high) => (float)((high ? 0.6 : 0.0) + 0.4 * random.NextDouble());
            pixels[2 * i] = Coordinate((label & 1) != 0);
            pixels[2 * i + 1] = Coordinate((label & 2) != 0);
            labels[i] = label;
        }
        return new ImageDataset("quadrants", pixels, labels, 1, 1, 2, 4);
    }

    /// <summary>A 2-16-4 perceptron with weights from a private seeded generator.</summary>
    public static nn.Module<Tensor, Tensor> SmallNet(long seed)
    {
        var model = nn.Sequential(("flatten", nn.Flatten()), ("fc1", nn.Linear(2, 16)), ("relu", nn.ReLU()), ("fc2", nn.Linear(16, 4)));
        FocusedQuantization.Compression.Models.ModelZoo.Initialize(model, seed);
        return model;
    }

    /// <summary>Whether every parameter and buffer of the two models is exactly equal.</summary>
    public static bool SameState(nn.Module a, nn.Module b)
    {
        var left = a.state_dict();
        var right = b.state_dict();
        return left.Count == right.Count && left.All(p => right.TryGetValue(p.Key, out var other) && p.Value.eq(other).all().item<bool>());
    }
}

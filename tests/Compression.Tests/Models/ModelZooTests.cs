using FocusedQuantization.Compression.Models;
using TorchSharp;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Models;

public sealed class ModelZooTests
{
    public ModelZooTests() => torch.set_num_threads(1);

    [Fact]
    public void Lists_the_canonical_names()
    {
        Assert.Equal(["lenet-300-100", "lenet5", "cifar9", "resnet20", "resnet18", "resnet50", "mobilenet-v2"], ModelZoo.Names);
    }

    [Theory]
    [InlineData("LeNet-5", typeof(LeNet5))]
    [InlineData("lenet5", typeof(LeNet5))]
    [InlineData("lenet_300_100", typeof(LeNet300100))]
    [InlineData("ResNet-20", typeof(ResNet20))]
    [InlineData("cifar-9", typeof(Cifar9))]
    public void Accepts_canonical_names_and_aliases(string name, Type expected)
    {
        using var model = ModelZoo.Create(name);
        Assert.IsType(expected, model);
    }

    [Fact]
    public void Rejects_an_unknown_name_listing_the_valid_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => ModelZoo.Create("vgg16"));
        Assert.Contains("vgg16", error.Message);
        foreach (var name in ModelZoo.Names) Assert.Contains(name, error.Message);
    }

    [Fact]
    public void The_same_seed_gives_identical_weights_and_another_seed_different_ones()
    {
        using var a = ModelZoo.Create("lenet5", null, 42);
        using var b = ModelZoo.Create("lenet5", null, 42);
        using var c = ModelZoo.Create("lenet5", null, 43);
        var pa = a.parameters().ToArray();
        var pb = b.parameters().ToArray();
        var pc = c.parameters().ToArray();
        for (var i = 0; i < pa.Length; i++)
        {
            Assert.True(pa[i].eq(pb[i]).all().item<bool>(), $"parameter {i} differs under the same seed");
            Assert.False(pa[i].eq(pc[i]).all().item<bool>(), $"parameter {i} is equal under another seed");
        }
    }

    [Fact]
    public void Seeded_initialisation_stays_within_the_fan_in_bound()
    {
        using var model = ModelZoo.Create("lenet5", null, 7);
        var conv1 = model.get_parameter("conv1.weight")!;
        var largest = conv1.abs().max().item<float>();
        // fan-in 1*5*5 = 25 -> bound 0.2; 500 draws reach close to it.
        Assert.InRange(largest, 0.18f, 0.2f);
    }

    [Fact]
    public void Quantizable_parameters_are_the_convolution_and_linear_weights()
    {
        using var model = new LeNet5();
        Assert.Equal(["conv1.weight", "conv2.weight", "fc1.weight", "fc2.weight"], ModelZoo.QuantizableParameters(model));
    }

    [Fact]
    public void State_covers_every_parameter_and_buffer_with_its_role()
    {
        using var model = new ResNet20();
        var state = ModelZoo.State(model);
        var byName = state.ToDictionary(e => e.Name);
        Assert.Equal(model.state_dict().Keys.Order(), byName.Keys.Order());
        Assert.Equal(StateKind.QuantizableWeight, byName["layer3.2.conv2.weight"].Kind);
        Assert.Equal(StateKind.FloatParameter, byName["layer3.2.bn2.weight"].Kind);
        Assert.Equal(StateKind.FloatParameter, byName["fc.bias"].Kind);
        Assert.Equal(StateKind.Buffer, byName["bn1.running_var"].Kind);
        Assert.Equal(20, state.Count(e => e.Kind == StateKind.QuantizableWeight));
        Assert.Equal(ModelZoo.ParameterCount(model), state.Where(e => e.Kind != StateKind.Buffer).Sum(e => e.Tensor.numel()));
    }
}

using FocusedQuantization.Compression.Models;
using TorchSharp;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Models;

public sealed class ResNet20Tests
{
    public ResNet20Tests() => torch.set_num_threads(1);

    [Fact]
    public void Has_269722_parameters_on_cifar_inputs_with_option_A_shortcuts()
    {
        using var model = new ResNet20(ModelShape.Cifar10);
        long stem = 3 * 9 * 16 + 2 * 16;
        long stage1 = 3 * (2 * 9 * 16 * 16 + 4 * 16);
        long stage2 = 9 * 16 * 32 + 9 * 32 * 32 + 4 * 32 + 2 * (2 * 9 * 32 * 32 + 4 * 32);
        long stage3 = 9 * 32 * 64 + 9 * 64 * 64 + 4 * 64 + 2 * (2 * 9 * 64 * 64 + 4 * 64);
        Assert.Equal(stem + stage1 + stage2 + stage3 + 650, ModelZoo.ParameterCount(model));
        Assert.Equal(269_722, ModelZoo.ParameterCount(model));
    }

    [Fact]
    public void Has_twenty_quantizable_layers()
    {
        using var model = new ResNet20();
        var names = ModelZoo.QuantizableParameters(model);
        Assert.Equal(20, names.Count);
        Assert.Equal("conv1.weight", names[0]);
        Assert.Contains("layer2.0.conv1.weight", names);
        Assert.True(names[^1] == "fc.weight", string.Join(",", names));
    }

    [Theory]
    [InlineData(1, 28)]
    [InlineData(3, 32)]
    public void Maps_a_batch_to_one_logit_per_class_in_training_and_eval_mode(int channels, int size)
    {
        using var scope = torch.NewDisposeScope();
        using var model = new ResNet20(new ModelShape(channels, size, size, 10));
        var input = torch.randn(2, channels, size, size);
        Assert.Equal([2L, 10L], model.forward(input).shape);
        model.eval();
        Assert.Equal([2L, 10L], model.forward(input).shape);
    }
}

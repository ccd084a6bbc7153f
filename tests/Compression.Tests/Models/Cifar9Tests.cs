using FocusedQuantization.Compression.Models;
using TorchSharp;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Models;

public sealed class Cifar9Tests
{
    public Cifar9Tests() => torch.set_num_threads(1);

    [Fact]
    public void Has_the_documented_parameter_count_on_28x28x1()
    {
        using var model = new Cifar9();
        long weights = 9 * 32 + 2 * 9 * 32 * 32 + 9 * 32 * 64 + 3 * 9 * 64 * 64 + 64 * 64 + 64 * 10;
        long batchNorm = 2 * (3 * 32 + 5 * 64);
        Assert.Equal(weights + batchNorm + 10, ModelZoo.ParameterCount(model));
        Assert.Equal(153_322, ModelZoo.ParameterCount(model));
    }

    [Fact]
    public void Has_nine_quantizable_convolutions_and_no_linear_layer()
    {
        using var model = new Cifar9();
        var names = ModelZoo.QuantizableParameters(model);
        Assert.Equal(Enumerable.Range(1, 9).Select(i => $"features.conv{i}.weight"), names);
    }

    [Theory]
    [InlineData(1, 28)]
    [InlineData(3, 32)]
    public void Maps_a_batch_to_one_logit_per_class(int channels, int size)
    {
        using var scope = torch.NewDisposeScope();
        using var model = new Cifar9(new ModelShape(channels, size, size, 10));
        model.eval();
        Assert.Equal([2L, 10L], model.forward(torch.zeros(2, channels, size, size)).shape);
    }
}

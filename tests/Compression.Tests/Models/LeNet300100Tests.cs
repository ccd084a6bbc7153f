using FocusedQuantization.Compression.Models;
using TorchSharp;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Models;

public sealed class LeNet300100Tests
{
    public LeNet300100Tests() => torch.set_num_threads(1);

    [Fact]
    public void Has_266610_parameters_on_28x28x1()
    {
        using var model = new LeNet300100();
        Assert.Equal(784 * 300 + 300 + 300 * 100 + 100 + 100 * 10 + 10, ModelZoo.ParameterCount(model));
        Assert.Equal(266_610, ModelZoo.ParameterCount(model));
    }

    [Fact]
    public void Maps_a_batch_of_images_to_one_logit_per_class()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new LeNet300100(new ModelShape(3, 8, 8, 5));
        Assert.Equal([4L, 5L], model.forward(torch.zeros(4, 3, 8, 8)).shape);
        Assert.Equal(192 * 300 + 300 + 30_100 + 100 * 5 + 5, ModelZoo.ParameterCount(model));
    }
}

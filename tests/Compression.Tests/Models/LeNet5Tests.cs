using FocusedQuantization.Compression.Models;
using TorchSharp;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Models;

public sealed class LeNet5Tests
{
    public LeNet5Tests() => torch.set_num_threads(1);

    [Fact]
    public void Has_431080_parameters_on_28x28x1()
    {
        using var model = new LeNet5();
        // 20*25+20 + 50*20*25+50 + 800*500+500 + 500*10+10
        Assert.Equal(431_080, ModelZoo.ParameterCount(model));
    }

    [Fact]
    public void Maps_a_batch_to_one_logit_per_class()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new LeNet5();
        var output = model.forward(torch.zeros(3, 1, 28, 28));
        Assert.Equal([3L, 10L], output.shape);
    }

    [Fact]
    public void Adapts_its_first_fully_connected_layer_to_three_channel_32x32_inputs()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new LeNet5(new ModelShape(3, 32, 32, 7));
        // conv1 3*25*20+20, conv2 25050, fc1 (50*5*5)*500+500, fc2 500*7+7
        Assert.Equal(1_520 + 25_050 + 625_500 + 3_507, ModelZoo.ParameterCount(model));
        Assert.Equal([2L, 7L], model.forward(torch.zeros(2, 3, 32, 32)).shape);
    }

    [Fact]
    public void Rejects_inputs_too_small_for_two_convolutions_and_pools()
    {
        var error = Assert.Throws<ArgumentException>(() => new LeNet5(new ModelShape(1, 12, 12)));
        Assert.Contains("12x12", error.Message);
    }
}

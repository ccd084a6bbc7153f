using FocusedQuantization.Compression.Models;
using FocusedQuantization.Compression.Tests.Data;
using TorchSharp;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Models;

/// <summary>resnet18, resnet50 and mobilenet-v2 have torchvision 0.14's state_dict keys and shapes (a real torchvision prints them).</summary>
public sealed class TorchvisionLayoutTests
{
    private const string Script = """
        import sys, torchvision
        model = getattr(torchvision.models, sys.argv[1])(num_classes=int(sys.argv[2]))
        for key, value in model.state_dict().items():
            print(key + '\t' + ','.join(str(d) for d in value.shape))
        """;

    public TorchvisionLayoutTests() => torch.set_num_threads(1);

    [Theory]
    [InlineData("resnet18", "resnet18", 10)]
    [InlineData("resnet50", "resnet50", 1000)]
    [InlineData("mobilenet-v2", "mobilenet_v2", 7)]
    public void State_dict_keys_and_shapes_equal_torchvisions(string model, string torchvisionName, int classes)
    {
        Assert.SkipUnless(PyTorch.IsInstalled, PyTorch.Missing);
        var (code, output, error) = PyTorch.Run(Script, [torchvisionName, classes.ToString()], TimeSpan.FromMinutes(2));
        Assert.True(code == 0, error);
        var expected = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

        using var module = ModelZoo.Create(model, new ModelShape(3, 64, 64, classes));
        var actual = module.state_dict().Select(e => e.Key + "\t" + string.Join(',', e.Value.shape)).ToArray();

        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
        // The full state the stages see is the state_dict, under the same names.
        Assert.Equal(expected.Select(l => l.Split('\t')[0]).Order(StringComparer.Ordinal), ModelZoo.State(module).Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("resnet18", 21)]
    [InlineData("resnet50", 54)]
    [InlineData("mobilenet-v2", 53)]
    public void Every_convolution_and_the_classifier_are_quantizable_and_nothing_else(string model, int layers)
    {
        using var module = ModelZoo.Create(model, new ModelShape(3, 32, 32, 10));
        var names = ModelZoo.QuantizableParameters(module);
        var rank4Or2Weights = module.named_parameters().Where(p => p.name.EndsWith(".weight") && p.parameter.dim() is 4 or 2).Select(p => p.name).ToArray();
        Assert.Equal(rank4Or2Weights, names);
        Assert.Equal(layers, names.Count);
        Assert.Equal(model == "mobilenet-v2" ? "classifier.1.weight" : "fc.weight", names[^1]);
        Assert.Contains(names, n => n.Contains("downsample.0") || n.Contains(".conv.1.0."));
    }

    [Theory]
    [InlineData("resnet18", 32)]
    [InlineData("resnet50", 64)]
    [InlineData("mobilenet-v2", 64)]
    public void A_forward_pass_maps_images_to_one_logit_per_class(string model, int size)
    {
        using var scope = torch.NewDisposeScope();
        using var module = ModelZoo.Create(model, new ModelShape(3, size, size, 10), seed: 3);
        module.eval();
        using var noGrad = torch.no_grad();
        var logits = module.forward(torch.randn(2, 3, size, size));
        Assert.Equal([2L, 10L], logits.shape);
        Assert.True(logits.isfinite().all().item<bool>());
    }
}

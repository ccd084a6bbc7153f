using System.Security.Cryptography;
using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Specs.Tests;

/// <summary>A spec's PyTorch weights: model.weights or weights, made absolute and hashed into the training settings.</summary>
public sealed class WeightsSpecTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fq-spec-weights-").FullName;

    public WeightsSpecTests()
    {
        File.WriteAllText(Path.Combine(_folder, "a.pth"), "weights a");
        File.WriteAllText(Path.Combine(_folder, "b.pth"), "weights b");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private SweepSpec Load(string yaml)
    {
        var path = Path.Combine(_folder, "spec.yaml");
        File.WriteAllText(path, yaml + "dataset: imagefolder:pets\nspace: { sparsity: 0.9 }\n");
        return SweepSpecLoader.Load(path);
    }

    private string Sha(string file) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(_folder, file))));

    [Theory]
    [InlineData("model: { name: resnet18, weights: a.pth }\n")]
    [InlineData("model: resnet_18\nweights: a.pth\n")]
    public void Weights_are_taken_from_the_specs_folder_and_carry_their_hash(string yaml)
    {
        var spec = Load(yaml);

        Assert.Equal("resnet18", spec.Model);
        Assert.Equal(Path.Combine(_folder, "a.pth"), spec.Training.Weights);
        Assert.Equal(Sha("a.pth"), spec.Training.WeightsSha256);
    }

    [Fact]
    public void Other_weights_give_other_training_settings_and_no_weights_none()
    {
        var a = Load("model: { name: mobilenet_v2, weights: a.pth }\n");
        var b = Load("model: { name: mobilenet_v2, weights: b.pth }\n");
        var none = Load("model: mobilenet-v2\n");

        Assert.Equal("mobilenet-v2", a.Model);
        Assert.NotEqual(a.Training, b.Training);
        Assert.Null(none.Training.Weights);
        Assert.Null(none.Training.WeightsSha256);
    }

    [Theory]
    [InlineData("model: { name: resnet18, weights: missing.pth }\n", "model.weights", "does not exist")]
    [InlineData("weights: missing.pth\n", "weights", "does not exist")]
    [InlineData("model: { weights: a.pth }\n", "model.name", "missing")]
    [InlineData("model: { name: resnet18, weigths: a.pth }\n", "model.weigths", "did you mean 'weights'")]
    [InlineData("model: { name: resnet18, weights: a.pth }\nweights: b.pth\n", "weights", "given twice")]
    [InlineData("model: { name: vgg16 }\n", "model.name", "unknown model")]
    public void Bad_weights_settings_are_refused_naming_the_key(string yaml, string key, string problem)
    {
        var error = Assert.Throws<SweepSpecException>(() => Load(yaml));

        Assert.Equal(key, error.Key);
        Assert.Contains(problem, error.Message);
    }
}

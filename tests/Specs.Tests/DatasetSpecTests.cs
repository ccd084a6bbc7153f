using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Specs.Tests;

/// <summary>A spec's dataset: the built-in names and the data sets given by path, with training.image_size and training.skip_bad_images.</summary>
public sealed class DatasetSpecTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fq-spec-data-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private SweepSpec Load(string yaml)
    {
        var path = Path.Combine(_folder, "spec.yaml");
        File.WriteAllText(path, yaml + "space: { sparsity: 0.9 }\n");
        return SweepSpecLoader.Load(path);
    }

    [Fact]
    public void A_relative_path_is_taken_from_the_specs_folder_and_the_options_are_folded_into_the_name()
    {
        var spec = Load("""
            model: cifar9
            dataset: imagefolder:pets
            training: { image_size: 32, skip_bad_images: true }

            """);

        Assert.Equal($"imagefolder:{Path.Combine(_folder, "pets")}?size=32&skip-bad", spec.Dataset);
    }

    [Theory]
    [InlineData("cifar10:/data/c10", "cifar10:/data/c10")]
    [InlineData("cifar100:/data/c100", "cifar100:/data/c100")]
    [InlineData("fmnist", "fashion-mnist")]
    [InlineData("imagefolder:/data/x?size=64", "imagefolder:/data/x?size=64")]
    public void Data_sets_by_name_or_path_read_as_their_canonical_names(string dataset, string canonical)
    {
        Assert.Equal(canonical, Load($"dataset: {dataset}\n").Dataset);
    }

    [Theory]
    [InlineData("dataset: imagenet\n", "dataset", "imagefolder:PATH")]
    [InlineData("dataset: cifar10:/c\ntraining: { image_size: 64 }\n", "training.image_size", "image folders only")]
    [InlineData("dataset: mnist\ntraining: { skip_bad_images: true }\n", "training.skip_bad_images", "image folders only")]
    [InlineData("dataset: imagefolder:/x\ntraining: { image_size: 4 }\n", "training.image_size", "between 8 and 4096")]
    [InlineData("dataset: imagefolder:/x\ntraining: { skip_bad_images: maybe }\n", "training.skip_bad_images", "true or false")]
    [InlineData("dataset: \"imagefolder:/x?crop=2\"\n", "dataset", "Unknown data set option")]
    public void Bad_data_settings_are_refused_naming_the_key(string yaml, string key, string problem)
    {
        var error = Assert.Throws<SweepSpecException>(() => Load(yaml));

        Assert.Equal(key, error.Key);
        Assert.Contains(problem, error.Message);
    }
}

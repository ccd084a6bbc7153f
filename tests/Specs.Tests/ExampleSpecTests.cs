using System.Security.Cryptography;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Grains.Sweeps;
using YamlDotNet.RepresentationModel;

namespace FocusedQuantization.Specs.Tests;

/// <summary>
/// Every file in examples/ loads and validates with the spec loader. The loader hashes a spec's weights file when it
/// reads the spec (it does not parse it: that happens when a trial builds the model), so an example that names weights
/// (resnet18.pth, which a user makes with torchvision) is loaded from a copy in a temporary folder with a placeholder
/// file at the path it names: the spec's form is checked, and that the weights are taken from the spec's folder and
/// hashed. Data sets given by path are checked for form only, as the loader does.
/// </summary>
public sealed class ExampleSpecTests
{
    private static string ExamplesFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Experiments.sln"))) return Path.Combine(dir.FullName, "examples");
        }
        throw new InvalidOperationException("The repository root (Experiments.sln) is not above the test binaries.");
    }

    public static TheoryData<string> Examples() => [.. Directory.GetFiles(ExamplesFolder(), "*.yaml").Select(path => Path.GetFileName(path))];

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_parses_and_expands(string file)
    {
        var spec = LoadExample(file);

        Assert.NotEmpty(Planned(spec));
    }

    /// <summary>
    /// The first trials of a spec: its plan, or for an adaptive strategy (asked trial by trial, not planned) the trials
    /// of a few random points of its space.
    /// </summary>
    internal static IReadOnlyList<TrialConfig> Planned(SweepSpec spec)
    {
        if (spec.Strategy.Kind is not (StrategyKind.Nsga2 or StrategyKind.Motpe)) return SweepPlan.Expand(spec);
        var space = SweepSpaceMapping.ToSearchSpace(spec);
        var sampler = new Search.RandomSampler(spec.Strategy.Seed ?? spec.Seed);
        return [.. Enumerable.Range(0, 3).Select(n => SweepSpaceMapping.ToConfig(spec, sampler.Ask(space, [], n)))];
    }

    /// <summary>The weights file an example names (model.weights or weights), relative to its folder, or null.</summary>
    private static string? WeightsOf(string file)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(ExamplesFolder(), file))) stream.Load(reader);
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        YamlNode? Get(YamlMappingNode map, string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;
        var weights = Get(root, "model") is YamlMappingNode model ? Get(model, "weights") : Get(root, "weights");
        return (weights as YamlScalarNode)?.Value;
    }

    /// <summary>
    /// Loads an example; one that names weights from a copy in a temporary folder holding a placeholder file at that
    /// path, checking that the loader took the file from the spec's folder and recorded its SHA-256.
    /// </summary>
    private static SweepSpec LoadExample(string file)
    {
        if (WeightsOf(file) is not { } weights) return SweepSpecLoader.Load(Path.Combine(ExamplesFolder(), file));
        var folder = Directory.CreateTempSubdirectory("fq-example-").FullName;
        try
        {
            var copy = Path.Combine(folder, file);
            File.Copy(Path.Combine(ExamplesFolder(), file), copy);
            var placeholder = Path.Combine(folder, weights);
            Directory.CreateDirectory(Path.GetDirectoryName(placeholder)!);
            File.WriteAllText(placeholder, $"a placeholder for {weights}");
            var spec = SweepSpecLoader.Load(copy);
            Assert.Equal(Path.GetFullPath(placeholder), spec.Training.Weights);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(placeholder))), spec.Training.WeightsSha256);
            return spec;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("resnet50-imagenet.yaml", "resnet50", "resnet50.pth", 4)]
    [InlineData("resnet18-imagenet.yaml", "resnet18", "resnet18.pth", 6)]
    public void The_imagenet_examples_start_from_torchvision_weights_on_an_image_folder(string file, string model, string weights, int trials)
    {
        var spec = LoadExample(file);

        Assert.Equal(model, spec.Model);
        Assert.Equal(weights, WeightsOf(file));
        Assert.StartsWith("imagefolder:/data/imagenet", spec.Dataset);
        Assert.Equal(trials, SweepPlan.Expand(spec).Count);
    }

    [Fact]
    public void The_cifar9_example_is_the_papers_wsep_study_on_cifar10()
    {
        var spec = LoadExample("cifar9-cifar10.yaml");

        Assert.Equal("cifar9", spec.Model);
        Assert.Equal($"cifar10:{Path.Combine(ExamplesFolder(), "cifar10")}", spec.Dataset);
        Assert.Null(spec.Training.Weights);
        Assert.Equal([1.0, 1.5, 2.0, 2.5, 3.0, 3.5], spec.Space.WSep);
        Assert.Equal([5], spec.Space.Bits.Values);
        Assert.Equal(6, SweepPlan.Expand(spec).Count);
    }

    [Fact]
    public void The_adaptive_example_searches_ranges_and_two_layers_of_their_own_with_early_stopping()
    {
        var spec = LoadExample("lenet5-adaptive.yaml");

        Assert.Equal(new StrategySpec(StrategyKind.Nsga2, 48, 7) { Population = 12 }, spec.Strategy);
        Assert.Equal(2, spec.EarlyStopping!.Eta);
        Assert.Equal([1, 2, 4], spec.EarlyStopping.Rungs!);
        Assert.Equal(["conv2", "fc1"], spec.Space.Layers!.Select(l => l.Layer));
        Assert.Equal(["conv2.weight", "fc1.weight"], spec.Space.Layers!.Select(l => l.Weight));
        var space = SweepSpaceMapping.ToSearchSpace(spec);
        Assert.Equal(["sparsity", "bits", "w_sep", "fine_tune_lr", "layers.conv2.sparsity", "layers.fc1.sparsity"], space.Dimensions.Select(d => d.Name));
        Assert.False(space.IsDiscrete);
        Assert.All(Planned(spec), t =>
        {
            Assert.InRange(t.TargetSparsity!.Value, 0.80, 0.97);
            Assert.InRange(t.LayerSparsity!["fc1.weight"], 0.90, 0.995);
            Assert.InRange(t.Bits, 3, 7);
            Assert.Contains(t.WSep, new[] { 1.5, 2.0, 2.5, 3.0 });
        });
        // Not planned ahead: the sweep asks the sampler.
        Assert.Throws<ArgumentException>(() => SweepPlan.Expand(spec));
    }

    [Fact]
    public void The_examples_include_the_four_the_readme_names() =>
        Assert.Superset(new HashSet<string>
            {
                "quickstart.yaml", "lenet5-grid.yaml", "lenet5-random.yaml", "lenet5-mixed-precision.yaml",
                "resnet50-imagenet.yaml", "resnet18-imagenet.yaml", "cifar9-cifar10.yaml", "lenet5-adaptive.yaml",
            },
            Examples().Select(row => row.Data).ToHashSet());

    [Fact]
    public void The_quickstart_is_a_small_grid_of_four_trials_two_at_a_time()
    {
        var spec = SweepSpecLoader.Load(Path.Combine(ExamplesFolder(), "quickstart.yaml"));

        Assert.Equal(4, SweepPlan.Expand(spec).Count);
        Assert.Equal(2, spec.Concurrency);
        Assert.Equal(("lenet5", "fashion-mnist"), (spec.Model, spec.Dataset));
        Assert.True(spec.Training.TrainLimit <= 10_000);
    }

    [Fact]
    public void The_other_examples_make_the_trial_counts_their_comments_state()
    {
        int Count(string file) => SweepPlan.Expand(SweepSpecLoader.Load(Path.Combine(ExamplesFolder(), file))).Count;

        Assert.Equal(64, Count("lenet5-grid.yaml"));
        Assert.Equal(12, Count("lenet5-random.yaml"));
        Assert.Equal(6, Count("lenet5-mixed-precision.yaml"));
        Assert.Equal(2160, SweepPlan.CountCombinations(SweepSpecLoader.Load(Path.Combine(ExamplesFolder(), "lenet5-random.yaml")).Space));
    }
}

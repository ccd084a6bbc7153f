using FocusedQuantization.Grains.Sweeps;

namespace FocusedQuantization.Specs.Tests;

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
        var spec = SweepSpecLoader.Load(Path.Combine(ExamplesFolder(), file));

        Assert.NotEmpty(SweepPlan.Expand(spec));
    }

    [Fact]
    public void The_examples_include_the_four_the_readme_names() =>
        Assert.Superset(new HashSet<string> { "quickstart.yaml", "lenet5-grid.yaml", "lenet5-random.yaml", "lenet5-mixed-precision.yaml" },
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

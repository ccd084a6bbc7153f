using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Grains.Sweeps;

namespace FocusedQuantization.Specs.Tests;

public sealed class SweepSpecLoaderTests
{
    private const string File = "bad.yaml";

    private const string Minimal = "space: { sparsity: 0.9 }\n";

    private static SweepSpecException Refused(string yaml) =>
        Assert.Throws<SweepSpecException>(() => SweepSpecLoader.Parse(yaml, File));

    /// <summary>Asserts the refusal names the file and the key (and the line when given), and says what is wrong.</summary>
    private static void AssertRefused(string yaml, string key, string problem, int? line = null)
    {
        var error = Refused(yaml);
        Assert.Equal(key, error.Key);
        Assert.StartsWith(File, error.Message);
        Assert.Contains($": {key}: ", error.Message);
        Assert.Contains(problem, error.Message);
        if (line is not null)
        {
            Assert.Equal(line, error.Line);
            Assert.StartsWith($"{File}:{line}:", error.Message);
        }
    }

    [Fact]
    public void The_readme_example_parses_to_the_expected_records()
    {
        const string yaml = """
            name: lenet5-quickstart
            model: lenet5
            dataset: fashion-mnist
            seed: 1
            objectives: [maximize cr, maximize top1]
            constraints: { max_top1_drop: 1.0 }
            concurrency: 2
            strategy: { kind: grid }
            training: { baseline_epochs: 2, prune_epochs: 1, batch_size: 64, learning_rate: 0.02, train_limit: 6000, test_limit: 2000 }
            space:
              sparsity: [0.85, 0.92]
              bits: [4, 5]
              w_sep: [2.0]
              overflow_rate: [default, 0.05]
              schedule_scale: [0.2]
              fine_tune_lr: [0.002]
              coding: [arithmetic]
            """;

        var spec = SweepSpecLoader.Parse(yaml, "quick.yaml");

        Assert.Equal("lenet5-quickstart", spec.Name);
        Assert.Equal("lenet5", spec.Model);
        Assert.Equal("fashion-mnist", spec.Dataset);
        Assert.Equal(1, spec.Seed);
        Assert.Equal([new ObjectiveSpec(ObjectiveMetric.Cr, true), new ObjectiveSpec(ObjectiveMetric.Top1, true)], spec.Objectives);
        Assert.Equal(1.0, spec.MaxTop1Drop);
        Assert.Equal(2, spec.Concurrency);
        Assert.Equal(new StrategySpec(StrategyKind.Grid, null, null), spec.Strategy);
        Assert.Equal(new TrainingSpec(2, 1, 64, 0.02, 6000, 2000, null), spec.Training);
        Assert.Equal([0.85, 0.92], spec.Space.TargetSparsity!);
        Assert.Null(spec.Space.PruneAlpha);
        Assert.Equal(BitsPolicy.Uniform, spec.Space.Bits.Policy);
        Assert.Equal([4, 5], spec.Space.Bits.Values);
        Assert.Null(spec.Space.Bits.BudgetBitsPerWeight);
        Assert.Equal([2.0], spec.Space.WSep);
        Assert.Equal([null, 0.05], spec.Space.OverflowRate);
        Assert.Equal([0.2], spec.Space.ScheduleScale);
        Assert.Equal([0.002], spec.Space.FineTuneLearningRate);
        Assert.Equal([CodingScheme.Arithmetic], spec.Space.Coding);
    }

    [Fact]
    public void Everything_left_out_takes_the_documented_defaults()
    {
        var spec = SweepSpecLoader.Parse(Minimal, "some/dir/my-sweep.yaml");

        Assert.Equal("my-sweep", spec.Name);
        Assert.Equal("lenet5", spec.Model);
        Assert.Equal("fashion-mnist", spec.Dataset);
        Assert.Equal(1, spec.Seed);
        Assert.Equal([new ObjectiveSpec(ObjectiveMetric.Cr, true), new ObjectiveSpec(ObjectiveMetric.Top1, true)], spec.Objectives);
        Assert.Null(spec.MaxTop1Drop);
        Assert.Equal(1, spec.Concurrency);
        Assert.Equal(new StrategySpec(StrategyKind.Grid, null, null), spec.Strategy);
        Assert.Equal(new TrainingSpec(6, 4, 64, 0.02, null, null, null), spec.Training);
        Assert.Equal([5], spec.Space.Bits.Values);
        Assert.Equal([2.0], spec.Space.WSep);
        Assert.Equal([null], spec.Space.OverflowRate);
        Assert.Equal([1.0 / 3.0], spec.Space.ScheduleScale);
        Assert.Equal([0.001], spec.Space.FineTuneLearningRate);
        Assert.Equal([CodingScheme.Arithmetic], spec.Space.Coding);
        Assert.Equal([FineTuning.Ste], spec.Space.FineTune);
    }

    [Fact]
    public void Fine_tuning_modes_are_read_case_insensitively_as_a_list_or_one_value()
    {
        Assert.Equal([FineTuning.Ste, FineTuning.Inq], SweepSpecLoader.Parse("space: { sparsity: 0.9, fine_tune: [STE, Inq] }", File).Space.FineTune);
        Assert.Equal([FineTuning.Inq], SweepSpecLoader.Parse("space: { sparsity: 0.9, fine_tune: inq }", File).Space.FineTune);
    }

    [Fact]
    public void Ranges_expand_inclusively_and_without_binary_fraction_noise()
    {
        var spec = SweepSpecLoader.Parse("space: { sparsity: { from: 0.8, to: 0.95, step: 0.05 }, bits: { from: 3, to: 6 }, w_sep: { from: 1, to: 2, step: 0.5 } }", File);

        Assert.Equal([0.8, 0.85, 0.9, 0.95], spec.Space.TargetSparsity!);
        Assert.Equal([3, 4, 5, 6], spec.Space.Bits.Values);
        Assert.Equal([1.0, 1.5, 2.0], spec.Space.WSep);
    }

    [Fact]
    public void Aliases_of_models_data_sets_and_metrics_become_canonical_names()
    {
        var spec = SweepSpecLoader.Parse("model: LeNet_5\ndataset: fmnist\nobjectives: [maximise compression_ratio, minimize size]\n" + Minimal, File);

        Assert.Equal("lenet5", spec.Model);
        Assert.Equal("fashion-mnist", spec.Dataset);
        Assert.Equal([new ObjectiveSpec(ObjectiveMetric.Cr, true), new ObjectiveSpec(ObjectiveMetric.CompressedBytes, false)], spec.Objectives);
        Assert.Equal("lenet5", SweepSpecLoader.Parse("model: lenet-5\n" + Minimal, File).Model);
    }

    [Fact]
    public void A_per_layer_bits_policy_reads_candidates_and_budgets()
    {
        var spec = SweepSpecLoader.Parse("""
            space:
              prune_alpha: [0.5, 1.0]
              bits: { policy: per-layer, candidates: [3, 4, 5, 6], budget_bits_per_weight: [3.5, 4.5] }
            """, File);

        Assert.Equal(BitsPolicy.PerLayer, spec.Space.Bits.Policy);
        Assert.Equal([3, 4, 5, 6], spec.Space.Bits.Values);
        Assert.Equal([3.5, 4.5], spec.Space.Bits.BudgetBitsPerWeight!);
        Assert.Equal([0.5, 1.0], spec.Space.PruneAlpha!);
        Assert.Null(spec.Space.TargetSparsity);
    }

    [Fact]
    public void A_random_strategy_keeps_its_budget_and_seed_and_limits_may_say_all()
    {
        var spec = SweepSpecLoader.Parse("strategy: { kind: random, budget: 8, seed: 7 }\ntraining: { train_limit: all }\n" + Minimal, File);

        Assert.Equal(new StrategySpec(StrategyKind.Random, 8, 7), spec.Strategy);
        Assert.Null(spec.Training.TrainLimit);
    }

    [Fact]
    public void A_relative_data_dir_is_taken_from_the_spec_folder()
    {
        var folder = Directory.CreateTempSubdirectory("fq-spec-").FullName;
        try
        {
            var path = Path.Combine(folder, "s.yaml");
            Directory.CreateDirectory(Path.Combine(folder, "data", "fm"));
            System.IO.File.WriteAllText(path, "training: { data_dir: data/fm }\n" + Minimal);

            Assert.Equal(Path.Combine(folder, "data", "fm"), SweepSpecLoader.Load(path).Training.DataDirectory);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_missing_file_is_a_file_not_found_naming_it() =>
        Assert.Contains("nowhere.yaml", Assert.Throws<FileNotFoundException>(() => SweepSpecLoader.Load("/tmp/nowhere/nowhere.yaml")).Message);

    [Fact]
    public void An_unknown_key_is_named_with_the_nearest_valid_one_and_its_line() =>
        AssertRefused("model: lenet5\nspace:\n  sparsity: 0.9\n  bitz: [4]\n", "space.bitz", "did you mean 'bits'?", line: 4);

    [Fact]
    public void An_unknown_top_level_key_is_named() =>
        AssertRefused("modle: lenet5\n" + Minimal, "modle", "did you mean 'model'?", line: 1);

    [Fact]
    public void A_far_fetched_key_lists_the_valid_keys_without_a_guess()
    {
        var error = Refused("training: { colour: blue }\n" + Minimal);

        Assert.Equal("training.colour", error.Key);
        Assert.DoesNotContain("did you mean", error.Message);
        Assert.Contains("baseline_epochs", error.Message);
    }

    [Theory]
    [InlineData("seed: abc\n", "seed", "expected a whole number, got 'abc'")]
    [InlineData("seed: 1.5\n", "seed", "expected a whole number, got 1.5")]
    [InlineData("concurrency: [2]\n", "concurrency", "expected a whole number, got a list")]
    [InlineData("training: { learning_rate: fast }\n", "training.learning_rate", "expected a number, got 'fast'")]
    [InlineData("training: 5\n", "training", "expected a mapping")]
    [InlineData("model: [lenet5]\n", "model", "expected a name, got a list")]
    public void A_wrong_type_is_named(string line, string key, string problem) => AssertRefused(line + Minimal, key, problem, line: 1);

    [Fact]
    public void A_wrong_type_inside_a_list_names_the_element() =>
        AssertRefused("space:\n  sparsity: 0.9\n  bits: [4, 5, five]\n", "space.bits[2]", "expected a whole number, got 'five'", line: 3);

    [Theory]
    [InlineData("space: { sparsity: [] }", "space.sparsity", "empty list")]
    [InlineData("space: { sparsity: 0.9, w_sep: [] }", "space.w_sep", "empty list")]
    [InlineData("space: { sparsity: 0.9, w_sep: }", "space.w_sep", "empty")]
    [InlineData("space: { sparsity: { from: 0.9, to: 0.8, step: 0.05 } }", "space.sparsity", "empty range")]
    [InlineData("space: { sparsity: 0.9, bits: { from: 6, to: 3 } }", "space.bits", "empty range")]
    [InlineData("space: { sparsity: { from: 0.8, to: 0.9 } }", "space.sparsity.step", "needs a step")]
    [InlineData("space: { sparsity: { from: 0.8, to: 0.9, step: 0 } }", "space.sparsity.step", "step must be above 0")]
    [InlineData("objectives: []\nspace: { sparsity: 0.9 }", "objectives", "empty list")]
    public void An_empty_list_or_range_is_refused(string yaml, string key, string problem) => AssertRefused(yaml, key, problem);

    [Theory]
    [InlineData("space: { sparsity: 0.9, bits: [4, 9] }", "space.bits[1]", "between 3 and 8, got 9")]
    [InlineData("space: { sparsity: 0.9, bits: 2 }", "space.bits", "between 3 and 8, got 2")]
    [InlineData("space: { sparsity: 0.9, bits: { policy: per-layer, candidates: [3, 10], budget_bits_per_weight: 4 } }", "space.bits.candidates[1]", "between 3 and 8, got 10")]
    [InlineData("space: { sparsity: 0.9, bits: { policy: uniform, values: [5, 12] } }", "space.bits.values[1]", "between 3 and 8, got 12")]
    [InlineData("space: { sparsity: [0.5, 1.0] }", "space.sparsity[1]", "sparsity must be in [0, 1), got 1")]
    [InlineData("space: { sparsity: -0.1 }", "space.sparsity", "sparsity must be in [0, 1)")]
    [InlineData("space: { sparsity: 0.9, w_sep: -1 }", "space.w_sep", "w_sep must be a finite number >= 0")]
    [InlineData("space: { sparsity: 0.9, overflow_rate: [default, 1.5] }", "space.overflow_rate[1]", "overflow_rate must be in [0, 1)")]
    [InlineData("space: { sparsity: 0.9, schedule_scale: 0 }", "space.schedule_scale", "schedule_scale must be in (0, 100]")]
    [InlineData("space: { sparsity: 0.9, fine_tune_lr: 20 }", "space.fine_tune_lr", "fine_tune_lr must be in (0, 10)")]
    [InlineData("space: { sparsity: 0.9, coding: [arithmetic, zip] }", "space.coding[1]", "unknown coding mode 'zip'")]
    [InlineData("space: { sparsity: 0.9, fine_tune: [ste, sgd] }", "space.fine_tune[1]", "unknown fine-tuning mode 'sgd'; valid modes: ste, inq")]
    [InlineData("space: { sparsity: 0.9, fine_tune: [inq, INQ] }", "space.fine_tune[1]", "appears twice")]
    [InlineData("space: { sparsity: [0.9, 0.9] }", "space.sparsity[1]", "appears twice")]
    [InlineData("concurrency: 0\nspace: { sparsity: 0.9 }", "concurrency", "between 1 and 1024, got 0")]
    [InlineData("training: { batch_size: 0 }\nspace: { sparsity: 0.9 }", "training.batch_size", "between 1 and 65536")]
    [InlineData("training: { train_limit: 0 }\nspace: { sparsity: 0.9 }", "training.train_limit", "at least 1")]
    [InlineData("constraints: { max_top1_drop: -1 }\nspace: { sparsity: 0.9 }", "constraints.max_top1_drop", "max_top1_drop must be in [0, 100]")]
    [InlineData("strategy: { kind: random }\nspace: { sparsity: 0.9 }", "strategy.budget", "needs a budget")]
    [InlineData("strategy: { kind: random, budget: 0 }\nspace: { sparsity: 0.9 }", "strategy.budget", "between 1 and 1,000,000")]
    [InlineData("strategy: { kind: grid, budget: 5 }\nspace: { sparsity: 0.9 }", "strategy.budget", "only to strategy kind random")]
    [InlineData("strategy: { kind: bayes }\nspace: { sparsity: 0.9 }", "strategy.kind", "unknown strategy kind 'bayes'")]
    [InlineData("model: vgg16\nspace: { sparsity: 0.9 }", "model", "unknown model 'vgg16'; valid models: lenet-300-100, lenet5, cifar9, resnet20")]
    [InlineData("dataset: imagenet\nspace: { sparsity: 0.9 }", "dataset", "unknown data set 'imagenet'; valid data sets: fashion-mnist, mnist")]
    [InlineData("objectives: [maximize accuracy]\nspace: { sparsity: 0.9 }", "objectives[0]", "unknown metric 'accuracy'")]
    [InlineData("objectives: [cr]\nspace: { sparsity: 0.9 }", "objectives[0]", "expected 'maximize METRIC'")]
    [InlineData("space: { sparsity: 0.9, bits: { policy: per-layer, candidates: [3, 4] } }", "space.bits.budget_bits_per_weight", "needs budget_bits_per_weight")]
    [InlineData("space: { sparsity: 0.9, bits: { policy: per-layer, candidates: [3, 4], budget_bits_per_weight: 0 } }", "space.bits.budget_bits_per_weight", "in (0, 32]")]
    [InlineData("space: { sparsity: 0.9, bits: { policy: greedy, values: [4] } }", "space.bits.policy", "unknown bits policy 'greedy'")]
    public void An_impossible_value_is_named(string yaml, string key, string problem) => AssertRefused(yaml, key, problem);

    [Fact]
    public void Giving_both_sparsity_and_prune_alpha_is_refused_at_the_second() =>
        AssertRefused("space:\n  sparsity: 0.9\n  prune_alpha: 1.0\n", "space.prune_alpha", "not both", line: 3);

    [Fact]
    public void Giving_neither_sparsity_nor_prune_alpha_is_refused() =>
        AssertRefused("space:\n  bits: 5\n", "space", "space.sparsity");

    [Fact]
    public void A_spec_without_a_space_is_refused() =>
        AssertRefused("model: lenet5\n", "space", "missing");

    [Fact]
    public void A_grid_of_more_than_a_million_trials_is_refused_with_its_size()
    {
        var error = Refused("space: { sparsity: { from: 0, to: 0.99, step: 0.01 }, bits: { from: 3, to: 8 }, w_sep: { from: 0, to: 2, step: 0.01 }, fine_tune_lr: [0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.007, 0.008, 0.009] }");

        Assert.Equal("space", error.Key);
        Assert.Contains("1,085,400 trials", error.Message);
        Assert.Contains("random", error.Message);
    }

    [Fact]
    public void A_big_space_is_fine_for_a_random_strategy() =>
        Assert.Equal(12600, SweepPlan.CountCombinations(SweepSpecLoader.Parse(
            "strategy: { kind: random, budget: 5 }\nspace: { sparsity: { from: 0, to: 0.99, step: 0.01 }, bits: { from: 3, to: 8 }, w_sep: { from: 0, to: 2, step: 0.1 } }", File).Space));

    [Fact]
    public void A_yaml_syntax_error_names_the_file_and_the_line()
    {
        var error = Refused("model: lenet5\nspace:\n  sparsity: 0.9\n bits: 5\n");

        Assert.Null(error.Key);
        Assert.StartsWith($"{File}:4:", error.Message);
        Assert.Contains("YAML syntax error", error.Message);
        Assert.Equal(4, error.Line);
        Assert.DoesNotContain("(Line:", error.Message);
    }

    [Fact]
    public void A_list_left_open_is_a_syntax_error_at_its_bracket()
    {
        var error = Refused("model: lenet5 # [not this one]\nspace:\n  sparsity: [0.9, 0.8\n  bits: 5\n");

        Assert.Contains("YAML syntax error: '[' is never closed", error.Message);
        Assert.Equal((3, 13), (error.Line, error.Column));
    }

    [Fact]
    public void A_duplicate_key_is_refused_with_its_line()
    {
        var error = Refused("model: lenet5\nmodel: lenet5\n" + Minimal);

        Assert.Contains("duplicate key", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(2, error.Line);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    public void An_empty_spec_is_refused(string yaml) => Assert.Contains("empty", Refused(yaml).Message);

    [Fact]
    public void A_spec_that_is_a_list_is_refused() => Assert.Contains("expected a mapping", Refused("- model: lenet5\n").Message);

    [Fact]
    public void The_exception_is_an_argument_exception_so_the_cli_exits_with_code_2() =>
        Assert.IsAssignableFrom<ArgumentException>(Refused("seed: x\n" + Minimal));

    [Fact]
    public void A_spec_built_in_code_is_checked_by_the_same_rules()
    {
        var good = SweepSpecLoader.Parse(Minimal, File);
        var bad = good with { Space = good.Space with { Bits = new BitsSpace(BitsPolicy.Uniform, [5, 2], null) } };

        var error = Assert.Throws<SweepSpecException>(() => SweepSpecValidator.Validate(bad));

        Assert.Equal("space.bits[1]", error.Key);
        Assert.Null(error.Line);
        Assert.Same(good, SweepSpecValidator.Validate(good));
    }
}

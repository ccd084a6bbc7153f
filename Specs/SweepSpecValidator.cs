using System.Buffers;
using System.Globalization;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Grains.Sweeps;

namespace FocusedQuantization.Specs;

/// <summary>
/// Checks the values of a spec: the same rules whether it came from YAML (the loader) or was built in code and sent to
/// a sweep grain. Every refusal is a <see cref="SweepSpecException"/> naming the key.
/// </summary>
public static class SweepSpecValidator
{
    /// <summary>Throws <see cref="SweepSpecException"/> for the first impossible value; returns the spec otherwise.</summary>
    public static SweepSpec Validate(SweepSpec spec, string sourceName = "sweep spec")
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Validate(spec, sourceName, SpecLocations.None);
    }

    internal static SweepSpec Validate(SweepSpec spec, string source, SpecLocations at)
    {
        void Fail(string path, string problem)
        {
            var (key, line, column) = at.Find(path);
            throw new SweepSpecException(source, key, problem, line, column);
        }

        void Check(string path, string? problem)
        {
            if (problem is not null) Fail(path, problem);
        }

        if (string.IsNullOrWhiteSpace(spec.Name)) Fail("name", "a sweep needs a non-empty name");
        else Check("name", NameProblem(spec.Name));
        if (SweepVocabulary.Model(spec.Model ?? "") is null)
            Fail("model", $"unknown model '{spec.Model}'; valid models: {string.Join(", ", SweepVocabulary.Models)}");
        if (Compression.Data.DataSource.HasPathPrefix(spec.Dataset ?? ""))
            Check("dataset", DataSourceProblem(spec.Dataset!));
        else if (SweepVocabulary.Dataset(spec.Dataset ?? "") is null)
            Fail("dataset", $"unknown data set '{spec.Dataset}'; valid data sets: {string.Join(", ", SweepVocabulary.Datasets)}, imagefolder:PATH, cifar10:PATH, cifar100:PATH");

        if (spec.Objectives is null || spec.Objectives.Count == 0) Fail("objectives", "give at least one objective, e.g. 'maximize cr'");
        var metrics = new HashSet<ObjectiveMetric>();
        for (var i = 0; i < spec.Objectives!.Count; i++)
        {
            var metric = spec.Objectives[i].Metric;
            if (!Enum.IsDefined(metric))
                Fail($"objectives[{i}]", $"unknown metric '{SweepVocabulary.Name(metric)}'; valid metrics: {string.Join(", ", SweepVocabulary.Metrics)}");
            else if (!metrics.Add(metric))
                Fail($"objectives[{i}]", $"the metric '{SweepVocabulary.Name(metric)}' appears in two objectives");
        }

        if (spec.MaxTop1Drop is { } drop) Check("constraints.max_top1_drop", Range(drop, 0, 100, "max_top1_drop", "[0, 100] percentage points"));
        Check("concurrency", spec.Concurrency is >= 1 and <= 1024 ? null : $"concurrency must be between 1 and 1024, got {spec.Concurrency}");

        ValidateStrategy(spec.Strategy, Fail);
        ValidateTraining(spec.Training, Check, Fail);
        ValidateSpace(spec.Space, Check, Fail);

        if (spec.Strategy.Kind == StrategyKind.Grid && SweepPlan.CountCombinations(spec.Space) is var count && count > SweepSpecDefaults.MaxTrials)
        {
            Fail("space", string.Create(CultureInfo.InvariantCulture,
                $"the grid has {count:N0} trials ({SweepPlan.DescribeDimensions(spec.Space)}), more than the limit of {SweepSpecDefaults.MaxTrials:N0}; use fewer values or strategy kind random with a budget"));
        }
        return spec;
    }

    private static void ValidateStrategy(StrategySpec? strategy, Action<string, string> fail)
    {
        if (strategy is null)
        {
            fail("strategy", "missing strategy");
            return;
        }
        switch (strategy.Kind)
        {
            case StrategyKind.Grid:
                if (strategy.Budget is not null) fail("strategy.budget", "a budget applies only to strategy kind random; a grid runs every combination");
                if (strategy.Seed is not null) fail("strategy.seed", "a seed applies only to strategy kind random; a grid draws nothing");
                break;
            case StrategyKind.Random:
                if (strategy.Budget is not { } budget)
                    fail("strategy.budget", "strategy kind random needs a budget (the number of trials to draw), e.g. { kind: random, budget: 8 }");
                else if (budget is < 1 or > SweepSpecDefaults.MaxTrials)
                    fail("strategy.budget", $"budget must be between 1 and {SweepSpecDefaults.MaxTrials:N0}, got {budget}");
                break;
            default:
                fail("strategy.kind", $"unknown strategy kind '{SweepVocabulary.Name(strategy.Kind)}'; valid kinds: {string.Join(", ", SweepVocabulary.Strategies)}");
                break;
        }
    }

    private static void ValidateTraining(TrainingSpec? training, Action<string, string?> check, Action<string, string> fail)
    {
        if (training is null)
        {
            fail("training", "missing training settings");
            return;
        }
        check("training.baseline_epochs", training.BaselineEpochs is >= 0 and <= 1000 ? null : $"baseline_epochs must be between 0 and 1000, got {training.BaselineEpochs}");
        check("training.prune_epochs", training.PruneEpochs is >= 0 and <= 1000 ? null : $"prune_epochs must be between 0 and 1000, got {training.PruneEpochs}");
        check("training.batch_size", training.BatchSize is >= 1 and <= 65536 ? null : $"batch_size must be between 1 and 65536, got {training.BatchSize}");
        check("training.learning_rate", Open(training.LearningRate, 0, 10, "learning_rate"));
        check("training.train_limit", training.TrainLimit is null or >= 1 ? null : $"train_limit must be at least 1 (or left out for every image), got {training.TrainLimit}");
        check("training.test_limit", training.TestLimit is null or >= 1 ? null : $"test_limit must be at least 1 (or left out for every image), got {training.TestLimit}");
        check("training.validation", training.Validation is not { } v || IsValidationSplit(v)
            ? null
            : $"validation must be a fraction between 0 and 1 (0.1 or 10%) or a whole number of images (5000), got {v}");
        if (training.TrainLimit is { } limit && training.Validation is { } count && count >= 1 && count >= limit)
            fail("training.validation", $"a validation split of {count} images leaves nothing to train on: train_limit is {limit}");
        if (training.DataDirectory is { } dir && string.IsNullOrWhiteSpace(dir)) fail("training.data_dir", "data_dir is empty; leave it out to search the usual places");
        check("training.device", DeviceProblem(training.Device));
    }

    /// <summary>
    /// Why the device cannot be used, or null: not cpu, cuda or cuda:N, or CUDA with the CPU-only libtorch this fq is
    /// built with (every silo runs the same build, so a sweep that asks for it is refused before any work).
    /// </summary>
    private static string? DeviceProblem(string? device)
    {
        if (device is null) return null;
        try
        {
            Compression.Training.ComputeDevice.EnsureAvailable(device);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message.Replace("--device", "device", StringComparison.Ordinal);
        }
    }

    /// <summary>Whether Compression takes the number as a validation split (a fraction in (0, 1) or a whole count).</summary>
    private static bool IsValidationSplit(double value)
    {
        try
        {
            Compression.Data.ValidationSplit.FromNumber(value);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void ValidateSpace(SearchSpace? space, Action<string, string?> check, Action<string, string> fail)
    {
        if (space is null)
        {
            fail("space", "missing search space");
            return;
        }
        switch (space.TargetSparsity, space.PruneAlpha)
        {
            case (not null, not null):
                fail("space.prune_alpha", "give either sparsity or prune_alpha, not both: each sets how hard to prune");
                break;
            case (null, null):
                fail("space", "give the pruning: space.sparsity (target fraction of zero weights, e.g. [0.9]) or space.prune_alpha (DNS alpha)");
                break;
        }
        if (space.TargetSparsity is { } sparsity)
            Each(sparsity, "space.sparsity", v => v >= 0 && v < 1 ? null : $"sparsity must be in [0, 1), got {F(v)}", check, fail);
        if (space.PruneAlpha is { } alpha)
            Each(alpha, "space.prune_alpha", v => double.IsFinite(v) ? null : $"prune_alpha must be a finite number, got {F(v)}", check, fail);

        ValidateBits(space.Bits, check, fail);
        Each(space.WSep, "space.w_sep", v => double.IsFinite(v) && v >= 0 ? null : $"w_sep must be a finite number >= 0, got {F(v)}", check, fail);
        Each(space.OverflowRate, "space.overflow_rate",
            v => v is not { } r || (r >= 0 && r < 1) ? null : $"overflow_rate must be in [0, 1) or 'default', got {F(r)}", check, fail);
        Each(space.ScheduleScale, "space.schedule_scale", v => v > 0 && v <= 100 ? null : $"schedule_scale must be in (0, 100], got {F(v)}", check, fail);
        Each(space.FineTuneLearningRate, "space.fine_tune_lr", v => Open(v, 0, 10, "fine_tune_lr"), check, fail);
        Each(space.Coding, "space.coding",
            v => Enum.IsDefined(v) ? null : $"unknown coding mode '{SweepVocabulary.Name(v)}'; valid modes: {string.Join(", ", SweepVocabulary.CodingModes)}", check, fail);
        Each(space.FineTune, "space.fine_tune",
            v => Enum.IsDefined(v) ? null : $"unknown fine-tuning mode '{SweepVocabulary.Name(v)}'; valid modes: {string.Join(", ", SweepVocabulary.FineTuneModes)}", check, fail);
    }

    private static void ValidateBits(BitsSpace? bits, Action<string, string?> check, Action<string, string> fail)
    {
        if (bits is null)
        {
            fail("space.bits", "missing bits");
            return;
        }
        static string? Width(int v) => v is >= 3 and <= 8 ? null : $"bits must be between 3 and 8, got {v}";
        switch (bits.Policy)
        {
            case BitsPolicy.Uniform:
                Each(bits.Values, "space.bits", Width, check, fail);
                if (bits.BudgetBitsPerWeight is not null)
                    fail("space.bits.budget_bits_per_weight", "a budget applies only to policy per-layer");
                break;
            case BitsPolicy.PerLayer:
                Each(bits.Values, "space.bits.candidates", Width, check, fail);
                if (bits.BudgetBitsPerWeight is null)
                    fail("space.bits.budget_bits_per_weight", "policy per-layer needs budget_bits_per_weight (average coded bits a weight, e.g. [4.0])");
                else
                    Each(bits.BudgetBitsPerWeight, "space.bits.budget_bits_per_weight",
                        v => v > 0 && v <= 32 ? null : $"budget_bits_per_weight must be in (0, 32], got {F(v)}", check, fail);
                break;
            default:
                fail("space.bits.policy", $"unknown bits policy '{SweepVocabulary.Name(bits.Policy)}'; valid policies: {string.Join(", ", SweepVocabulary.BitsPolicies)}");
                break;
        }
    }

    /// <summary>Checks each element, then that no value appears twice (it would only repeat trials).</summary>
    private static void Each<T>(IReadOnlyList<T>? values, string path, Func<T, string?> rule, Action<string, string?> check, Action<string, string> fail)
    {
        if (values is null || values.Count == 0)
        {
            fail(path, "empty: give at least one value");
            return;
        }
        var seen = new HashSet<T>();
        for (var i = 0; i < values.Count; i++)
        {
            check($"{path}[{i}]", rule(values[i]));
            if (!seen.Add(values[i]))
                fail($"{path}[{i}]", $"the value {Show(values[i])} appears twice; each value makes its own trials, so give it once");
        }
    }

    /// <summary>
    /// The name becomes the tracker's experiment ("fq/" + name) and run name, and heads status tables: it must fit
    /// MLflow's limit and stay one line that reads as written.
    /// </summary>
    /// <summary>Why a data set given by path (imagefolder:, cifar10:, cifar100:) cannot be read as one, or null.</summary>
    private static string? DataSourceProblem(string dataset)
    {
        try
        {
            Compression.Data.DataSource.Parse(dataset);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message.TrimEnd('.');
        }
    }

    private static string? NameProblem(string name)
    {
        if (name.Length > SweepSpecDefaults.MaxNameLength)
            return $"the name is {name.Length} characters long; at most {SweepSpecDefaults.MaxNameLength} are allowed (the tracking experiment is 'fq/' + name, and MLflow takes at most 500)";
        var bad = name.AsSpan().IndexOfAny(NotInNames);
        return bad < 0 ? null : $"the name holds the character U+{(int)name[bad]:X4} at position {bad + 1}; use printable characters on one line";
    }

    // Control characters, line and paragraph separators and the bidi controls: each would make the name print other than it is.
    private static readonly SearchValues<char> NotInNames = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7f, 0x21)).Select(c => (char)c),
         '\u2028', '\u2029', '\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069']);

    private static string? Open(double value, double low, double high, string name) =>
        value > low && value < high ? null : $"{name} must be in ({F(low)}, {F(high)}), got {F(value)}";

    private static string? Range(double value, double low, double high, string name, string range) =>
        value >= low && value <= high ? null : $"{name} must be in {range}, got {F(value)}";

    private static string Show<T>(T value) => value switch
    {
        null => "default",
        double d => F(d),
        CodingScheme c => SweepVocabulary.Name(c),
        FineTuning f => SweepVocabulary.Name(f),
        _ => value.ToString() ?? "",
    };

    private static string F(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}

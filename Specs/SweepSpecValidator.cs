using System.Buffers;
using System.Globalization;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Grains.Sweeps;
using SearchSpace = FocusedQuantization.Grains.Interfaces.Sweeps.SearchSpace;

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
        ValidateEarlyStopping(spec.EarlyStopping, spec.Space, Check);
        ValidateTraining(spec.Training, Check, Fail);
        ValidateSpace(spec.Space, Check, Fail);

        // The Search library's space is what samplers and the plan use: whatever it refuses is refused here first.
        try
        {
            SweepSpaceMapping.ToSearchSpace(spec);
        }
        catch (ArgumentException e)
        {
            Fail("space", e.Message.TrimEnd('.'));
        }
        if (spec.Strategy.Kind == StrategyKind.Grid)
        {
            foreach (var (path, range) in Ranges(spec.Space))
            {
                if (range.IsDiscrete) continue;
                var (key, line, column) = at.Find(path);
                throw new SweepSpecException(source, key, $"strategy grid needs discrete values for {key}: give a list or a step", line, column);
            }
            if (SweepPlan.CountCombinations(spec) is var count && count > SweepSpecDefaults.MaxTrials)
            {
                Fail("space", string.Create(CultureInfo.InvariantCulture,
                    $"the grid has {count:N0} trials ({SweepPlan.DescribeDimensions(spec)}), more than the limit of {SweepSpecDefaults.MaxTrials:N0}; use fewer values or strategy kind random with a budget"));
            }
        }
        return spec;
    }

    /// <summary>Every range of the space with the path it was written at, in the order of the dimensions.</summary>
    private static IEnumerable<(string Path, ValueRange Range)> Ranges(SearchSpace space)
    {
        foreach (var key in SpaceKeys.Rangeable)
            if (space.RangeOf(key) is { } range) yield return (RangePath(key), range);
        foreach (var layer in space.Layers ?? [])
        {
            if (layer.SparsityRange is { } sparsity) yield return ($"space.layers.{layer.Layer}.sparsity", sparsity);
            if (layer.BitsRange is { } bits) yield return ($"space.layers.{layer.Layer}.bits", bits);
        }
    }

    /// <summary>Where a key's range is written: space.KEY, or space.bits.budget_bits_per_weight for the budget.</summary>
    private static string RangePath(string key) => key == SpaceKeys.BudgetBitsPerWeight ? "space.bits.budget_bits_per_weight" : $"space.{key}";

    private static void ValidateStrategy(StrategySpec? strategy, Action<string, string> fail)
    {
        if (strategy is null)
        {
            fail("strategy", "missing strategy");
            return;
        }
        var adaptive = strategy.Kind is StrategyKind.Nsga2 or StrategyKind.Motpe;
        switch (strategy.Kind)
        {
            case StrategyKind.Grid:
                if (strategy.Budget is not null) fail("strategy.budget", "a budget applies only to strategy kind random, nsga2 or motpe; a grid runs every combination");
                if (strategy.Seed is not null) fail("strategy.seed", "a seed applies only to strategy kind random, nsga2 or motpe; a grid draws nothing");
                break;
            case StrategyKind.Random or StrategyKind.Nsga2 or StrategyKind.Motpe:
                var kind = SweepVocabulary.Name(strategy.Kind);
                if (strategy.Budget is not { } budget)
                    fail("strategy.budget", $"strategy kind {kind} needs a budget (the number of trials to {(adaptive ? "run" : "draw")}), e.g. {{ kind: {kind}, budget: {(adaptive ? 48 : 8)} }}");
                else if (budget is < 1 or > SweepSpecDefaults.MaxTrials)
                    fail("strategy.budget", $"budget must be between 1 and {SweepSpecDefaults.MaxTrials:N0}, got {budget}");
                break;
            default:
                fail("strategy.kind", $"unknown strategy kind '{SweepVocabulary.Name(strategy.Kind)}'; valid kinds: {string.Join(", ", SweepVocabulary.Strategies)}");
                return;
        }
        const string Adaptive = "applies only to the adaptive strategy kinds nsga2 and motpe";
        if (!adaptive)
        {
            if (strategy.Lag is not null) fail("strategy.lag", $"lag {Adaptive}, which learn from finished trials");
            if (strategy.WarmStart is not null) fail("strategy.warm_start", $"warm_start {Adaptive}, which learn from finished trials");
            if (strategy.Startup is not null) fail("strategy.startup", $"startup {Adaptive}");
        }
        if (strategy.Population is not null && strategy.Kind != StrategyKind.Nsga2) fail("strategy.population", "population applies only to strategy kind nsga2");
        if (strategy.Lag is { } lag && lag is < 0 or > SweepSpecDefaults.MaxTrials)
            fail("strategy.lag", $"lag must be between 0 and {SweepSpecDefaults.MaxTrials:N0} (the trials a new one may be asked without knowing), got {lag}");
        if (strategy.Population is { } population && population is < 2 or > SweepSpecDefaults.MaxTrials)
            fail("strategy.population", $"population must be between 2 and {SweepSpecDefaults.MaxTrials:N0}, got {population}");
        if (strategy.Startup is { } startup && (startup < 0 || startup > (strategy.Budget ?? SweepSpecDefaults.MaxTrials)))
            fail("strategy.startup", $"startup must be between 0 and the budget ({strategy.Budget}), got {startup}");
        if (strategy.WarmStart is { } warm)
        {
            if (string.IsNullOrWhiteSpace(warm)) fail("strategy.warm_start", "warm_start is empty; give the id of an earlier sweep (fq sweep list shows them)");
            else if (NameProblem(warm) is { } problem) fail("strategy.warm_start", problem.Replace("the name", "the sweep id", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// Early stopping: eta at least 2 (a rung keeps the top 1/eta); the first rung a fraction of the schedule in (0, 1), or
    /// given rungs: rising epochs from 1, below the longest fine-tuning schedule the space allows.
    /// </summary>
    private static void ValidateEarlyStopping(EarlyStoppingSpec? earlyStopping, SearchSpace? space, Action<string, string?> check)
    {
        if (earlyStopping is null) return;
        check("early_stopping.eta", earlyStopping.Eta is >= 2 and <= 100 ? null : $"eta must be between 2 and 100 (each rung keeps the best 1/eta of its trials), got {earlyStopping.Eta}");
        if (earlyStopping.Rungs is not { } rungs)
        {
            check("early_stopping.min_fraction", earlyStopping.MinFraction > 0 && earlyStopping.MinFraction < 1
                ? null
                : $"min_fraction must be in (0, 1) (the first rung, as a fraction of the fine-tuning schedule), got {F(earlyStopping.MinFraction)}");
            return;
        }
        check("early_stopping.rungs", rungs.Count > 0 ? null : "give at least one rung (a fine-tuning epoch), or leave rungs out for geometric ones");
        // The longest schedule of the space: a rung at or past its end would never be reached.
        var scales = (space?.ScheduleScale ?? []).Append(space?.RangeOf(SpaceKeys.ScheduleScale)?.High ?? double.NaN)
            .Where(s => s > 0 && s <= 100).ToArray();
        var longest = scales.Length == 0 ? (int?)null : scales.Max(s => new Compression.Retraining.FineTuneSchedule().Scaled(s).TotalEpochs);
        for (var i = 0; i < rungs.Count; i++)
        {
            check($"early_stopping.rungs[{i}]", rungs[i] >= 1 ? null : $"a rung is a fine-tuning epoch from 1, got {rungs[i]}");
            check($"early_stopping.rungs[{i}]", i == 0 || rungs[i] > rungs[i - 1] ? null : $"rungs must rise, got {rungs[i]} after {rungs[i - 1]}");
            check($"early_stopping.rungs[{i}]", longest is not { } total || rungs[i] < total
                ? null
                : $"rung {rungs[i]} is not within the fine-tuning schedule ({total} epochs at schedule_scale {F(scales.Max())}; the whole schedule is always the last rung)");
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

    // The values each numeric key takes; a range's low and high are held to the same rule.
    private static string? SparsityRule(double v) => v >= 0 && v < 1 ? null : $"sparsity must be in [0, 1), got {F(v)}";
    private static string? AlphaRule(double v) => double.IsFinite(v) ? null : $"prune_alpha must be a finite number, got {F(v)}";
    private static string? WidthRule(double v) => v is >= 3 and <= 8 ? null : $"bits must be between 3 and 8, got {F(v)}";
    private static string? BudgetRule(double v) => v > 0 && v <= 32 ? null : $"budget_bits_per_weight must be in (0, 32], got {F(v)}";
    private static string? WSepRule(double v) => double.IsFinite(v) && v >= 0 ? null : $"w_sep must be a finite number >= 0, got {F(v)}";
    private static string? OverflowRule(double v) => v >= 0 && v < 1 ? null : $"overflow_rate must be in [0, 1) or 'default', got {F(v)}";
    private static string? ScaleRule(double v) => v > 0 && v <= 100 ? null : $"schedule_scale must be in (0, 100], got {F(v)}";
    private static string? LearningRateRule(double v) => Open(v, 0, 10, "fine_tune_lr");

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
        foreach (var key in (space.Ranges?.Keys ?? []).Order(StringComparer.Ordinal))
            if (!SpaceKeys.Rangeable.Contains(key)) fail("space", $"'{key}' cannot be a range; ranges are for {string.Join(", ", SpaceKeys.Rangeable)}");
        if (space.TargetSparsity is { } sparsity) Numbers(sparsity, space.RangeOf(SpaceKeys.Sparsity), "space.sparsity", SparsityRule, false, check, fail);
        if (space.PruneAlpha is { } alpha) Numbers(alpha, space.RangeOf(SpaceKeys.PruneAlpha), "space.prune_alpha", AlphaRule, false, check, fail);
        if (space.PruneAlpha is null && space.RangeOf(SpaceKeys.PruneAlpha) is not null) fail("space.prune_alpha", "give either sparsity or prune_alpha, not both");
        if (space.TargetSparsity is null && space.RangeOf(SpaceKeys.Sparsity) is not null) fail("space.sparsity", "give either sparsity or prune_alpha, not both");

        ValidateBits(space, check, fail);
        Numbers(space.WSep, space.RangeOf(SpaceKeys.WSep), "space.w_sep", WSepRule, false, check, fail);
        if (space.RangeOf(SpaceKeys.OverflowRate) is { } overflowRange)
        {
            if (space.OverflowRate is { Count: > 0 }) fail("space.overflow_rate", "give a list or a range, not both");
            Range(overflowRange, "space.overflow_rate", OverflowRule, false, check, fail);
        }
        else
            Each(space.OverflowRate, "space.overflow_rate", v => v is not { } r ? null : OverflowRule(r), check, fail);
        Numbers(space.ScheduleScale, space.RangeOf(SpaceKeys.ScheduleScale), "space.schedule_scale", ScaleRule, false, check, fail);
        Numbers(space.FineTuneLearningRate, space.RangeOf(SpaceKeys.FineTuneLearningRate), "space.fine_tune_lr", LearningRateRule, false, check, fail);
        Each(space.Coding, "space.coding",
            v => Enum.IsDefined(v) ? null : $"unknown coding mode '{SweepVocabulary.Name(v)}'; valid modes: {string.Join(", ", SweepVocabulary.CodingModes)}", check, fail);
        Each(space.FineTune, "space.fine_tune",
            v => Enum.IsDefined(v) ? null : $"unknown fine-tuning mode '{SweepVocabulary.Name(v)}'; valid modes: {string.Join(", ", SweepVocabulary.FineTuneModes)}", check, fail);
        ValidateLayers(space, check, fail);
    }

    private static void ValidateBits(SearchSpace space, Action<string, string?> check, Action<string, string> fail)
    {
        var bits = space.Bits;
        if (bits is null)
        {
            fail("space.bits", "missing bits");
            return;
        }
        var widthsRange = space.RangeOf(SpaceKeys.Bits);
        var budgetRange = space.RangeOf(SpaceKeys.BudgetBitsPerWeight);
        var widths = bits.Values?.Select(v => (double)v).ToArray();
        if (bits.Policies is { } policies)
        {
            if (policies.Count == 0) fail("space.bits.policy", "empty: give a policy (uniform or per-layer) or both");
            var seen = new HashSet<BitsPolicy>();
            for (var i = 0; i < policies.Count; i++)
            {
                if (!Enum.IsDefined(policies[i]))
                    fail($"space.bits.policy[{i}]", $"unknown bits policy '{SweepVocabulary.Name(policies[i])}'; valid policies: {string.Join(", ", SweepVocabulary.BitsPolicies)}");
                if (!seen.Add(policies[i])) fail($"space.bits.policy[{i}]", $"the policy '{SweepVocabulary.Name(policies[i])}' appears twice; give each policy once");
            }
            if (policies.Count > 0 && policies[0] != bits.Policy) fail("space.bits.policy", "the bits policy must be the first of the policies listed");
        }
        if (bits.SearchesPolicy)
        {
            Numbers(widths, widthsRange, "space.bits", WidthRule, true, check, fail);
            if (bits.Candidates is null) fail("space.bits.candidates", "a choice of policies needs candidates, the widths per-layer chooses from");
            Each(bits.Candidates, "space.bits.candidates", v => WidthRule(v), check, fail);
            if (bits.BudgetBitsPerWeight is null && budgetRange is null)
                fail("space.bits.budget_bits_per_weight", "a choice of policies needs budget_bits_per_weight, for per-layer");
            Numbers(bits.BudgetBitsPerWeight, budgetRange, "space.bits.budget_bits_per_weight", BudgetRule, false, check, fail);
            return;
        }
        if (bits.Candidates is not null) fail("space.bits.candidates", "candidates beside values apply only to a choice of policies, policy: [uniform, per-layer]");
        switch (bits.Policy)
        {
            case BitsPolicy.Uniform:
                Numbers(widths, widthsRange, "space.bits", WidthRule, true, check, fail);
                if (bits.BudgetBitsPerWeight is not null || budgetRange is not null)
                    fail("space.bits.budget_bits_per_weight", "a budget applies only to policy per-layer");
                break;
            case BitsPolicy.PerLayer:
                if (widthsRange is not null) fail("space.bits.candidates", "policy per-layer takes a list of candidates, not a range: each layer's width is chosen from them under the budget");
                Each(bits.Values, "space.bits.candidates", v => WidthRule(v), check, fail);
                if (bits.BudgetBitsPerWeight is null && budgetRange is null)
                    fail("space.bits.budget_bits_per_weight", "policy per-layer needs budget_bits_per_weight (average coded bits a weight, e.g. [4.0])");
                else
                    Numbers(bits.BudgetBitsPerWeight, budgetRange, "space.bits.budget_bits_per_weight", BudgetRule, false, check, fail);
                break;
            default:
                fail("space.bits.policy", $"unknown bits policy '{SweepVocabulary.Name(bits.Policy)}'; valid policies: {string.Join(", ", SweepVocabulary.BitsPolicies)}");
                break;
        }
    }

    /// <summary>
    /// Per-layer dimensions: each layer once, with a name, a weight name and at least one of sparsity and bits; sparsity
    /// only beside space.sparsity (the other layers' target), bits only where the uniform policy can be in force.
    /// </summary>
    private static void ValidateLayers(SearchSpace space, Action<string, string?> check, Action<string, string> fail)
    {
        if (space.Layers is not { } layers) return;
        if (layers.Count == 0) fail("space.layers", "empty: give at least one layer, or leave space.layers out");
        var names = new HashSet<string>(StringComparer.Ordinal);
        var weights = new HashSet<string>(StringComparer.Ordinal);
        var uniformPossible = space.Bits.SearchesPolicy ? space.Bits.Policies!.Contains(BitsPolicy.Uniform) : space.Bits.Policy == BitsPolicy.Uniform;
        foreach (var layer in layers)
        {
            if (layer is null || string.IsNullOrWhiteSpace(layer.Layer) || string.IsNullOrWhiteSpace(layer.Weight))
            {
                fail("space.layers", "every layer needs its name and its weight's name");
                return;
            }
            var path = $"space.layers.{layer.Layer}";
            if (!names.Add(layer.Layer) || !weights.Add(layer.Weight)) fail(path, $"layer {layer.Layer} is given twice; give each layer once");
            if (!layer.HasSparsity && !layer.HasBits) fail(path, "give sparsity, bits or both for the layer");
            if (layer.HasSparsity)
            {
                if (space.TargetSparsity is null)
                    fail($"{path}.sparsity", "per-layer sparsity needs space.sparsity, the target the other layers share; it does not combine with prune_alpha");
                Numbers(layer.Sparsity, layer.SparsityRange, $"{path}.sparsity", SparsityRule, false, check, fail);
            }
            if (layer.HasBits)
            {
                if (!uniformPossible)
                    fail($"{path}.bits", "per-layer bits apply only to bits policy uniform: policy per-layer chooses each layer's width itself under the budget");
                Numbers(layer.Bits?.Select(v => (double)v).ToArray(), layer.BitsRange, $"{path}.bits", WidthRule, true, check, fail);
            }
        }
    }

    /// <summary>A numeric key: its list checked value by value, or its range; not both, and not neither.</summary>
    private static void Numbers(IReadOnlyList<double>? values, ValueRange? range, string path, Func<double, string?> rule, bool integer,
        Action<string, string?> check, Action<string, string> fail)
    {
        if (range is null)
        {
            Each(values, path, v => rule(v), check, fail);
            return;
        }
        if (values is { Count: > 0 }) fail(path, "give a list or a range, not both");
        Range(range, path, rule, integer, check, fail);
    }

    /// <summary>
    /// A range: low and high by the key's rule, low at most high, a positive step (a whole one for whole numbers), log
    /// only from above 0 and, for real numbers, without a step; at most the trial limit of values when stepped.
    /// </summary>
    private static void Range(ValueRange range, string path, Func<double, string?> rule, bool integer, Action<string, string?> check, Action<string, string> fail)
    {
        check($"{path}.low", double.IsFinite(range.Low) ? rule(range.Low) : $"low must be a finite number, got {F(range.Low)}");
        check($"{path}.high", double.IsFinite(range.High) ? rule(range.High) : $"high must be a finite number, got {F(range.High)}");
        if (range.Low > range.High) fail(path, $"empty range: low {F(range.Low)} is above high {F(range.High)}");
        if (integer && (range.Low != Math.Round(range.Low) || range.High != Math.Round(range.High)))
            fail(path, $"low and high must be whole numbers, got {F(range.Low)} and {F(range.High)}");
        if (range.Step is { } step)
        {
            if (!(step > 0) || !double.IsFinite(step)) fail($"{path}.step", $"step must be above 0, got {F(step)}");
            if (integer && step != Math.Round(step)) fail($"{path}.step", $"step must be a whole number, got {F(step)}");
            if (range.Log && !(integer && step == 1))
                fail($"{path}.step", integer ? "a log range of whole numbers takes step 1 only" : "a log range is continuous: leave the step out, or drop log for a stepped one");
            var count = Math.Floor((range.High - range.Low) / step + 1e-9) + 1;
            if (count > SweepSpecDefaults.MaxTrials) fail(path, $"the range gives {count:F0} values, more than {SweepSpecDefaults.MaxTrials:N0}");
        }
        else if (integer) fail($"{path}.step", "a range of whole numbers needs a step (1 unless given)");
        if (range.Log && !(range.Low > 0)) fail($"{path}.log", $"a log range needs low above 0, got {F(range.Low)}");
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

using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Grains.Sweeps;

namespace FocusedQuantization.Specs;

/// <summary>
/// What a sweep spec means when a key is left out. They match `fq compress`, so a one-trial sweep reproduces it.
/// A spec must name its pruning (space.sparsity or space.prune_alpha); everything else has a default here.
/// </summary>
public static class SweepSpecDefaults
{
    /// <summary>Model when `model` is left out: lenet5.</summary>
    public const string Model = "lenet5";

    /// <summary>Data set when `dataset` is left out: fashion-mnist.</summary>
    public const string Dataset = "fashion-mnist";

    /// <summary>Seed of initialisation, shuffling and random draws: 1.</summary>
    public const int Seed = 1;

    /// <summary>Trials run at once: 1.</summary>
    public const int Concurrency = 1;

    /// <summary>Strategy: grid (every combination).</summary>
    public const StrategyKind Strategy = StrategyKind.Grid;

    /// <summary>Objectives: maximize cr, maximize top1.</summary>
    public static IReadOnlyList<ObjectiveSpec> Objectives { get; } = [new(ObjectiveMetric.Cr, true), new(ObjectiveMetric.Top1, true)];

    /// <summary>
    /// Longest sweep name: 497 characters. The tracker's experiment is "fq/" + name (TrackingNames.Experiment), and
    /// MLflow refuses experiment names over 500 characters.
    /// </summary>
    public const int MaxNameLength = 500 - 3;

    /// <summary>Largest number of trials a spec may ask for (grid size or random budget): 10,000.</summary>
    public const int MaxTrials = SweepPlan.MaxTrials;

    /// <summary>Training: baseline 6 epochs, pruning 4 epochs, batch 64, learning rate 0.02, every image, data found as `fq compress` finds it.</summary>
    public static TrainingSpec Training { get; } = new(6, 4, 64, 0.02, null, null, null);

    /// <summary>Bits: uniform 5 (the paper's).</summary>
    public static BitsSpace Bits { get; } = new(BitsPolicy.Uniform, [5], null);

    /// <summary>w_sep: [2.0] (the paper's).</summary>
    public static IReadOnlyList<double> WSep { get; } = [2.0];

    /// <summary>overflow_rate: [default], i.e. 1/(2^n + 1) (the paper's).</summary>
    public static IReadOnlyList<double?> OverflowRate { get; } = [null];

    /// <summary>schedule_scale: [1/3] of the paper's fine-tuning schedule.</summary>
    public static IReadOnlyList<double> ScheduleScale { get; } = [1.0 / 3.0];

    /// <summary>fine_tune_lr: [0.001] (the paper's).</summary>
    public static IReadOnlyList<double> FineTuneLearningRate { get; } = [0.001];

    /// <summary>coding: [arithmetic].</summary>
    public static IReadOnlyList<CodingScheme> Coding { get; } = [CodingScheme.Arithmetic];

    /// <summary>
    /// Early stopping when the spec turns it on without settings: eta 2, rungs from 1/8 of the schedule (1/8, 1/4, 1/2, 1;
    /// 8 epochs: 1, 2, 4, 8). Measured on the tabular benchmark (docs/BENCHMARKS.md): eta 3 lost too much hypervolume
    /// with the adaptive samplers.
    /// </summary>
    public static EarlyStoppingSpec EarlyStopping { get; } = new(2, 1.0 / 8.0);

    /// <summary>fine_tune: [ste].</summary>
    public static IReadOnlyList<FineTuning> FineTune { get; } = [FineTuning.Ste];
}

using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Client.Tests;

/// <summary>Hand-made sweep records for the renderer tests.</summary>
internal static class SweepSamples
{
    public static readonly DateTimeOffset Start = new(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);

    public static TrialConfig Config(double sparsity, int bits) => new(
        "lenet5", "fashion-mnist", 1, new TrainingSpec(2, 1, 64, 0.02, 6000, 2000, null), sparsity, null, BitsPolicy.Uniform, bits, [bits], null,
        2.0, null, 0.2, 0.002, CodingScheme.Arithmetic);

    /// <summary>The full result the trial grain of <see cref="Completed"/> keeps.</summary>
    public static TrialResult Result(int index, double cr, double top1, double sparsity = 0.9) =>
        new(cr, top1, top1 + 8, sparsity, 1000, 1000 * (long)cr, 90, 99, [], $"/tmp/{index}.fqz");

    public static TrialStatus Completed(int index, double cr, double top1, int bits = 5, double sparsity = 0.9) => new(
        $"s1/{index}", index, TrialState.Completed, "silo-a", Config(sparsity, bits), null, 1, TrialSummary.Of(Result(index, cr, top1, sparsity)),
        Start.AddSeconds(index * 10), Start.AddSeconds(index * 10 + 42.5), null, 1);

    /// <summary>
    /// A completed trial of an early-stopping sweep (rungs at epochs 1, 3 and 8), let go on at each rung, or, with
    /// <paramref name="lateFrom"/>, stopped at that rung (0-based) and resumed late to the end.
    /// </summary>
    public static TrialStatus EarlyStopping(int index, double cr, double top1, int? lateFrom = null)
    {
        var result = Result(index, cr, top1) with { Rungs = [new(1, top1 - 6, top1 - 6.2), new(3, top1 - 4, top1 - 4.2), new(8, top1, top1 - 0.2)], ScheduleEpochs = 8 };
        int[] epochs = [1, 3, 8];
        return Completed(index, cr, top1) with
        {
            Summary = TrialSummary.Of(result),
            ResumedLateFrom = lateFrom is { } rung ? new RungPosition(rung, 3, epochs[rung], 8) : null,
        };
    }

    public static TrialStatus Pending(int index) => new($"s1/{index}", index, TrialState.Pending, null, Config(0.85, 4), null, 0, null, null, null, null, 0);

    public static TrialStatus Running(int index) => new($"s1/{index}", index, TrialState.Running, "silo-b", Config(0.92, 4), "fine-tune", 0.4, null, Start, null, null, 1);

    /// <summary>Six completed trials, three on the front (30x/88, 20x/89, 10x/90), plus dominated ones (<see cref="Evaluated"/>).</summary>
    public static ParetoResult Pareto() => new(Front(), 6, 6, 123.5, 1, 90.47);

    private static TrialStatus[] Front() => [Completed(0, 30, 88), Completed(1, 20, 89, bits: 4), Completed(2, 10, 90)];

    /// <summary>Every completed trial of <see cref="Pareto"/>: the front and three dominated ones.</summary>
    public static IReadOnlyList<TrialStatus> Evaluated() => [.. Front(), Completed(3, 15, 87), Completed(4, 25, 86), Completed(5, 8, 85)];

    public static SweepSpec Spec() => new("quick", "lenet5", "fashion-mnist", 1, [new(ObjectiveMetric.Cr, true), new(ObjectiveMetric.Top1, true)], 1.0, 2,
        new StrategySpec(StrategyKind.Grid, null, null), new TrainingSpec(2, 1, 64, 0.02, 6000, 2000, null),
        new SearchSpace([0.85, 0.92], null, new BitsSpace(BitsPolicy.Uniform, [4, 5], null), [2.0], [null], [0.2], [0.002], [CodingScheme.Arithmetic]));

    public static SweepStatus Status() =>
        new("s1", SweepState.Running, Spec(), Start, null, new TrialCounts(1, 1, 1, 0, 0), [Running(1)], [Completed(0, 30, 88)], 3);

    /// <summary>The trials of <see cref="Status"/>, as paged from the sweep.</summary>
    public static IReadOnlyList<TrialStatus> Trials() => [Completed(0, 30, 88), Running(1), Pending(2)];
}

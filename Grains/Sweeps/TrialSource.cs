using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Search;
using SamplerSpace = FocusedQuantization.Search.SearchSpace;

namespace FocusedQuantization.Grains.Sweeps;

/// <summary>
/// Where a sweep's trial configs come from: planned up front (grid, random over lists) or asked of a sampler one at a
/// time (the adaptive strategies). Either way a trial's config is a function of the spec, the seed and, for adaptive
/// strategies, the outcomes of earlier trials, never of timing: so a sweep that restarts computes the same configs again
/// and needs to store none of the pending ones.
/// </summary>
internal abstract class TrialSource
{
    /// <summary>How many trials the sweep runs.</summary>
    public abstract int Total { get; }

    /// <summary>Trial <paramref name="index"/>'s config when it is already decided (always, for a plan); else null.</summary>
    public abstract TrialConfig? Known(int index);

    /// <summary>
    /// Trial <paramref name="index"/>'s config, deciding it if needed from the finished rows; null while it must wait
    /// for an earlier trial's outcome. Runs off the grain's scheduler (a model-based sampler can take milliseconds).
    /// </summary>
    public abstract Task<TrialConfig?> DecideAsync(int index, IReadOnlyList<TrialStatus?> rows);

    /// <summary>The source for a spec: its plan, or its sampler with the warm-start rows of an earlier sweep.</summary>
    public static TrialSource For(SweepSpec spec, IReadOnlyList<TrialStatus> warmStart) =>
        spec.Strategy.Kind is StrategyKind.Grid or StrategyKind.Random
            ? new PlannedTrials(SweepPlan.Expand(spec))
            : new AdaptiveTrials(spec, warmStart);
}

/// <summary>A plan: every config known from the start.</summary>
internal sealed class PlannedTrials(IReadOnlyList<TrialConfig> configs) : TrialSource
{
    public override int Total => configs.Count;

    public override TrialConfig? Known(int index) => configs[index];

    public override Task<TrialConfig?> DecideAsync(int index, IReadOnlyList<TrialStatus?> rows) => Task.FromResult<TrialConfig?>(configs[index]);
}

/// <summary>
/// Configs asked of a sampler, asynchronously: a trial is asked for whenever a slot frees, with no generations. Trial k
/// is asked knowing the outcomes of trials 0..k-lag-1 (and of the warm-start trials), and the points of k-lag..k-1 as
/// still running, whatever their actual state: so the sequence depends on the spec and the seed only. If one of
/// 0..k-lag-1 is still running, k waits for it. The lag is the strategy's, by default the sweep's concurrency, which
/// asks nothing of a trial that the slots could not already have finished in a steady state.
/// </summary>
internal sealed class AdaptiveTrials : TrialSource
{
    private readonly SweepSpec _spec;
    private readonly SamplerSpace _space;
    private readonly ISampler _sampler;
    private readonly int _lag;
    private readonly Observation[] _warm;
    private readonly Dictionary<int, TrialConfig> _decided = [];

    public AdaptiveTrials(SweepSpec spec, IReadOnlyList<TrialStatus> warmStart)
    {
        _spec = spec;
        if (spec.Strategy.Budget is not (>= 1 and <= SweepPlan.MaxTrials))
            throw new ArgumentException($"The sweep spec cannot be planned: strategy {SweepVocabulary.Name(spec.Strategy.Kind)} needs a budget between 1 and {SweepPlan.MaxTrials:N0}.");
        if (spec.Concurrency < 1) throw new ArgumentException($"The sweep spec cannot be planned: concurrency must be at least 1, got {spec.Concurrency}.");
        _space = SweepSpaceMapping.ToSearchSpace(spec);
        _lag = Math.Max(0, spec.Strategy.Lag ?? spec.Concurrency);
        _sampler = Samplers.Create(SweepVocabulary.Name(spec.Strategy.Kind), spec.Strategy.Seed ?? spec.Seed,
            new SamplerSettings { Population = spec.Strategy.Population, Startup = spec.Strategy.Startup });
        // Warm-start trials come first in the history, numbered 0..W-1, in the earlier sweep's order; this sweep's
        // trial k is number W + k. Configs that do not fit this space are left out.
        var warm = new List<Observation>();
        foreach (var row in warmStart)
            if (Observe(row, warm.Count) is { } observation) warm.Add(observation);
        _warm = [.. warm];
    }

    public override int Total => _spec.Strategy.Budget!.Value;

    public override TrialConfig? Known(int index) => _decided.GetValueOrDefault(index);

    public override async Task<TrialConfig?> DecideAsync(int index, IReadOnlyList<TrialStatus?> rows)
    {
        if (_decided.TryGetValue(index, out var known)) return known;
        var settled = Math.Max(0, index - _lag);
        for (var j = 0; j < settled; j++)
            if (rows[j] is null) return null;
        // The trials inside the lag enter the history as running points, so each must be known here. A sweep that came
        // back after a crash has decided none yet: it takes the ones with an outcome from their rows and decides the others
        // first (their inputs are a part of this trial's, settled too). Left out, this trial would be asked for with a
        // shorter history than it was before the crash, and get another config.
        for (var j = settled; j < index; j++)
        {
            if (_decided.ContainsKey(j)) continue;
            if (rows[j]?.Config is { } earlier) _decided[j] = earlier;
            else if (await DecideAsync(j, rows) is null) return null;
        }
        // Running entries: the earlier trials inside the lag, as points only (decided before this one, so known).
        var history = new List<Observation>(_warm.Length + index);
        history.AddRange(_warm);
        for (var j = 0; j < index; j++)
        {
            var number = _warm.Length + j;
            if (j < settled)
            {
                if (Observe(rows[j]!, number) is { } observation) history.Add(observation);
            }
            else if (_decided.GetValueOrDefault(j) is { Parameters: { } parameters })
                history.Add(new Observation(number, new Point(parameters), ObservationState.Running));
        }
        var point = await Task.Run(() => _sampler.Ask(_space, history, _warm.Length + index));
        var config = SweepSpaceMapping.ToConfig(_spec, point);
        _decided[index] = config;
        return config;
    }

    /// <summary>A finished row as the sampler sees it (objectives minimized); null for a cancelled or unplaceable one.</summary>
    private Observation? Observe(TrialStatus row, int number)
    {
        if (row.Config is not { } config || SweepSpaceMapping.ToPoint(_spec, config) is not { } point) return null;
        return row.State switch
        {
            TrialState.Completed when row.Summary is { } summary => new Observation(number, point, ObservationState.Complete,
                SweepObjectives.Minimized(_spec, summary), SweepObjectives.Violation(_spec, summary)),
            TrialState.Failed => new Observation(number, point, ObservationState.Failed),
            // Stopped early: known by its last rung, a lower bound of what it would have reached.
            TrialState.Stopped when row.Summary is { Rungs.Count: > 0 } stopped => new Observation(number, point, ObservationState.Stopped,
                SweepObjectives.AtRung(_spec, stopped, stopped.Rungs[^1]), SweepObjectives.ViolationAtRung(_spec, stopped, stopped.Rungs[^1])),
            _ => null,
        };
    }
}

/// <summary>The spec's objectives of a finished trial, and how far it breaks the top-1 constraint.</summary>
internal static class SweepObjectives
{
    /// <summary>Every objective as a value to minimize (maximized ones negated). Accuracies are validation figures.</summary>
    public static double[] Minimized(SweepSpec spec, TrialSummary summary) =>
        [.. spec.Objectives.Select(o => (o.Maximize ? -1 : 1) * summary.Objective(o.Metric))];

    /// <summary>Points of validation top-1 lost beyond the allowed drop from dense (0 when within it or unconstrained).</summary>
    public static double Violation(SweepSpec spec, TrialSummary summary) =>
        spec.MaxTop1Drop is { } drop ? Math.Max(0, summary.SelectionTop1Dense - summary.SelectionTop1 - drop) : 0;

    /// <summary>
    /// The objectives of a trial at a rung of its fine-tuning, minimized: the size estimated before fine-tuning stands
    /// for cr and compressed_bytes, the rung's validation top-1 for top1 and top5 (top-5 is not measured at rungs).
    /// Unknown figures count as the worst.
    /// </summary>
    public static double[] AtRung(SweepSpec spec, TrialSummary summary, RungOutcome rung) =>
        [.. spec.Objectives.Select(o =>
        {
            var value = o.Metric switch
            {
                ObjectiveMetric.Cr => summary.EstimatedCompressionRatio,
                ObjectiveMetric.CompressedBytes => summary.DenseBytes / summary.EstimatedCompressionRatio,
                _ => rung.ValidationTop1,
            };
            return double.IsFinite(value) ? (o.Maximize ? -1 : 1) * value : double.PositiveInfinity;
        })];

    /// <summary>Points of validation top-1 lost at a rung beyond the allowed drop from dense.</summary>
    public static double ViolationAtRung(SweepSpec spec, TrialSummary summary, RungOutcome rung)
    {
        if (spec.MaxTop1Drop is not { } drop) return 0;
        var dense = double.IsFinite(summary.ValidationTop1Dense) ? summary.ValidationTop1Dense : summary.Top1Dense;
        return double.IsFinite(rung.ValidationTop1) ? Math.Max(0, dense - rung.ValidationTop1 - drop) : double.PositiveInfinity;
    }
}

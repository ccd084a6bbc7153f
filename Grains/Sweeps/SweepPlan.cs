using System.Globalization;
using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Grains.Sweeps;

/// <summary>
/// The trials of a sweep, in the order they are scheduled. The grid is the cartesian product of the space's dimensions
/// in this order, the last varying fastest: pruning (sparsity or prune_alpha), bits (the width, or the budget for
/// per-layer), w_sep, overflow_rate, schedule_scale, fine_tune_lr, coding, fine_tune. Random draws Budget combinations
/// from the same grid, distinct until every combination has been drawn, seeded by the strategy's seed or else the spec's.
/// A space with ranges, per-layer dimensions or a searched bits policy is planned through
/// <see cref="SweepSpaceMapping"/>: a grid lists its points (every range stepped) in the same order, random asks the
/// Search library's <see cref="Search.RandomSampler"/> for Budget points (ranges included), each trial carrying its
/// point as Parameters. A space of lists only keeps the plan above, so that its trials are what they always were.
/// The adaptive strategies (nsga2, motpe) are not planned ahead: the sweep asks their sampler trial by trial.
/// </summary>
/// <remarks>
/// The user-facing checks of a spec (every value, with the key and line it was written on) are the client's
/// (FocusedQuantization.Specs); the plan refuses, with an <see cref="ArgumentException"/>, only what it cannot plan or
/// run: a spec without its parts, an empty dimension, a random strategy without a budget, more trials than
/// <see cref="MaxTrials"/>, or a concurrency below 1.
/// </remarks>
public static class SweepPlan
{
    /// <summary>Largest number of trials a sweep may have (grid size or random budget): 1,000,000 (the sweep state is paged; see docs/ARCHITECTURE.md).</summary>
    public const int MaxTrials = 1_000_000;

    /// <summary>Every trial of the spec, in a stable order; a spec that cannot be planned is an ArgumentException.</summary>
    public static IReadOnlyList<TrialConfig> Expand(SweepSpec spec)
    {
        Check(spec);
        if (!SweepSpaceMapping.IsListsOnly(spec.Space))
        {
            var space = SweepSpaceMapping.ToSearchSpace(spec);
            IEnumerable<Search.Point> points = spec.Strategy.Kind == StrategyKind.Random
                ? Sample(space, spec.Strategy.Budget!.Value, spec.Strategy.Seed ?? spec.Seed)
                : SweepSpaceMapping.Grid(space);
            return [.. points.Select(point => SweepSpaceMapping.ToConfig(spec, point))];
        }
        var dimensions = Dimensions(spec.Space);
        var size = CountCombinations(spec.Space);
        IEnumerable<long> indices = spec.Strategy.Kind == StrategyKind.Random
            ? Draw(size, spec.Strategy.Budget!.Value, spec.Strategy.Seed ?? spec.Seed)
            : Enumerable.Range(0, checked((int)size)).Select(i => (long)i);
        return [.. indices.Select(index => Build(spec, dimensions, index))];
    }

    /// <summary>Random points 0..budget-1 of the Search library's random sampler: a pure function of the seed and the number.</summary>
    private static IEnumerable<Search.Point> Sample(Search.SearchSpace space, int budget, int seed)
    {
        var sampler = new Search.RandomSampler(seed);
        for (var number = 0; number < budget; number++) yield return sampler.Ask(space, [], number);
    }

    /// <summary>
    /// The number of combinations in the space (saturates at long.MaxValue); a conditional dimension counts under its
    /// condition only. A space with a continuous range has no grid: long.MaxValue.
    /// </summary>
    public static long CountCombinations(SweepSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return SweepSpaceMapping.IsListsOnly(spec.Space) ? CountCombinations(spec.Space) : SweepSpaceMapping.CountGrid(SweepSpaceMapping.ToSearchSpace(spec)) ?? long.MaxValue;
    }

    /// <summary>The number of combinations in a space of lists (saturates at long.MaxValue).</summary>
    public static long CountCombinations(SearchSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (!SweepSpaceMapping.IsListsOnly(space))
            throw new ArgumentException("A space with ranges, per-layer dimensions or a searched bits policy is counted from its spec: CountCombinations(SweepSpec).");
        long product = 1;
        foreach (var length in Dimensions(space))
        {
            if (length == 0) return 0;
            product = product > long.MaxValue / length ? long.MaxValue : product * length;
        }
        return product;
    }

    /// <summary>The dimensions as "name x count" for messages, e.g. "sparsity 4 x bits 6 x w_sep 3" (continuous ranges as "name range").</summary>
    public static string DescribeDimensions(SweepSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (SweepSpaceMapping.IsListsOnly(spec.Space)) return DescribeDimensions(spec.Space);
        return string.Join(" x ", SweepSpaceMapping.ToSearchSpace(spec).Dimensions
            .Select(d => d.Cardinality is { } n ? string.Create(CultureInfo.InvariantCulture, $"{d.Name} {n}") : $"{d.Name} range"));
    }

    /// <summary>The dimensions of a space of lists as "name x count" for messages, e.g. "sparsity 4 x bits 6 x w_sep 3".</summary>
    public static string DescribeDimensions(SearchSpace space)
    {
        var names = new[] { space.PruneAlpha is null ? "sparsity" : "prune_alpha", space.Bits.Policy == BitsPolicy.PerLayer ? "budget_bits_per_weight" : "bits",
            "w_sep", "overflow_rate", "schedule_scale", "fine_tune_lr", "coding", "fine_tune" };
        return string.Join(" x ", names.Zip(Dimensions(space)).Where(d => d.Second != 1)
            .Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.First} {d.Second}")));
    }

    /// <summary>Refuses what cannot be planned or run, with an ArgumentException saying what.</summary>
    private static void Check(SweepSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        static ArgumentException Refuse(string problem) => new($"The sweep spec cannot be planned: {problem}.");
        if (spec.Strategy is null || spec.Training is null || spec.Space?.Bits is null) throw Refuse("it lacks its strategy, training or space");
        var space = spec.Space;
        if (space.Bits.Values is null || space.WSep is null || space.OverflowRate is null || space.ScheduleScale is null
            || space.FineTuneLearningRate is null || space.Coding is null)
            throw Refuse("a dimension of the space is missing");
        if (space.TargetSparsity is null == space.PruneAlpha is null) throw Refuse("give exactly one of sparsity and prune_alpha");
        if (space.Bits.Policies is { } policies ? policies.Contains(BitsPolicy.PerLayer) && (space.Bits.BudgetBitsPerWeight is null || space.Bits.PerLayerCandidates.Count == 0) : space.Bits.Policy == BitsPolicy.PerLayer && (space.Bits.BudgetBitsPerWeight is null || space.Bits.Values.Count == 0))
            throw Refuse("policy per-layer needs candidates and budget_bits_per_weight");
        if (!Enum.IsDefined(space.Bits.Policy) || !Enum.IsDefined(spec.Strategy.Kind)) throw Refuse("unknown bits policy or strategy kind");
        if (spec.Strategy.Kind is StrategyKind.Nsga2 or StrategyKind.Motpe)
            throw new ArgumentException($"Strategy {SweepVocabulary.Name(spec.Strategy.Kind)} is adaptive: its trials are asked of its sampler one at a time as earlier ones finish (SweepSpaceMapping), not planned ahead.");
        if (spec.Concurrency < 1) throw Refuse($"concurrency must be at least 1, got {spec.Concurrency}");
        long size;
        if (SweepSpaceMapping.IsListsOnly(space)) size = CountCombinations(space);
        else
        {
            Search.SearchSpace searchSpace;
            try
            {
                searchSpace = SweepSpaceMapping.ToSearchSpace(spec);
            }
            catch (ArgumentException e)
            {
                throw Refuse(e.Message.TrimEnd('.'));
            }
            if (spec.Strategy.Kind == StrategyKind.Grid && !searchSpace.IsDiscrete)
                throw Refuse($"strategy grid needs discrete values, and '{searchSpace.Dimensions.First(d => d.Cardinality is null).Name}' is a continuous range");
            size = SweepSpaceMapping.CountGrid(searchSpace) ?? long.MaxValue;
        }
        if (size == 0) throw Refuse("a dimension of the space has no values");
        switch (spec.Strategy.Kind)
        {
            case StrategyKind.Random when spec.Strategy.Budget is not (>= 1 and <= MaxTrials):
                throw Refuse($"strategy random needs a budget between 1 and {MaxTrials:N0}");
            case StrategyKind.Grid when size > MaxTrials:
                throw Refuse(string.Create(CultureInfo.InvariantCulture, $"the grid has {size:N0} trials, more than the limit of {MaxTrials:N0}"));
        }
    }

    private static int[] Dimensions(SearchSpace space) =>
    [
        (space.TargetSparsity ?? space.PruneAlpha)?.Count ?? 0,
        space.Bits.Policy == BitsPolicy.PerLayer ? space.Bits.BudgetBitsPerWeight?.Count ?? 0 : space.Bits.Values.Count,
        space.WSep.Count,
        space.OverflowRate.Count,
        space.ScheduleScale.Count,
        space.FineTuneLearningRate.Count,
        space.Coding.Count,
        // Last, so that a spec with one mode expands to exactly the trials (and order) it had before the knob existed.
        space.FineTune.Count,
    ];

    /// <summary>
    /// Budget grid indices: distinct draws while the grid lasts (a budget beyond the grid starts a new round of
    /// distinct draws). System.Random with a seed is the same sequence on every .NET version and machine.
    /// </summary>
    private static IEnumerable<long> Draw(long size, int budget, int seed)
    {
        var random = new Random(seed);
        var remaining = budget;
        while (remaining > 0)
        {
            var round = (int)Math.Min(remaining, size);
            if (round == size)
            {
                // The whole grid fits in what is left: a shuffled copy of it.
                var all = Enumerable.Range(0, (int)size).Select(i => (long)i).ToArray();
                random.Shuffle(all);
                foreach (var index in all) yield return index;
            }
            else
            {
                // Fewer draws than combinations: rejection keeps them distinct without listing the (maybe huge) grid.
                var seen = new HashSet<long>();
                while (seen.Count < round)
                {
                    var index = random.NextInt64(size);
                    if (seen.Add(index)) yield return index;
                }
            }
            remaining -= round;
        }
    }

    private static TrialConfig Build(SweepSpec spec, int[] dimensions, long index)
    {
        // Mixed radix, the last dimension the fastest.
        var digit = new int[dimensions.Length];
        for (var d = dimensions.Length - 1; d >= 0; d--)
        {
            digit[d] = (int)(index % dimensions[d]);
            index /= dimensions[d];
        }
        var space = spec.Space;
        var perLayer = space.Bits.Policy == BitsPolicy.PerLayer;
        return new TrialConfig(
            Model: SweepVocabulary.Model(spec.Model) ?? spec.Model,
            Dataset: SweepVocabulary.Dataset(spec.Dataset) ?? spec.Dataset,
            Seed: spec.Seed,
            Training: spec.Training,
            TargetSparsity: space.TargetSparsity?[digit[0]],
            PruneAlpha: space.PruneAlpha?[digit[0]],
            BitsPolicy: space.Bits.Policy,
            Bits: perLayer ? space.Bits.Values.Max() : space.Bits.Values[digit[1]],
            CandidateBits: perLayer ? space.Bits.Values : [space.Bits.Values[digit[1]]],
            BudgetBitsPerWeight: perLayer ? space.Bits.BudgetBitsPerWeight![digit[1]] : null,
            WSep: space.WSep[digit[2]],
            OverflowRate: space.OverflowRate[digit[3]],
            ScheduleScale: space.ScheduleScale[digit[4]],
            FineTuneLearningRate: space.FineTuneLearningRate[digit[5]],
            Coding: space.Coding[digit[6]])
        {
            FineTune = space.FineTune[digit[7]],
        };
    }
}

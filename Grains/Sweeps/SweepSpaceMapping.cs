using System.Globalization;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Search;
using SamplerSpace = FocusedQuantization.Search.SearchSpace;
using SpecSpace = FocusedQuantization.Grains.Interfaces.Sweeps.SearchSpace;

namespace FocusedQuantization.Grains.Sweeps;

/// <summary>
/// Between a sweep spec's space and the Search library's: the dimensions a sampler draws, the trial a point stands for,
/// and the point a finished trial stands for (to rebuild or warm-start a sampler's history).
/// </summary>
/// <remarks>
/// <para>Dimensions are named by their spec keys and come in the grid's order: the pruning (sparsity or prune_alpha),
/// bits.policy (only when both policies are searched), bits (uniform widths) and budget_bits_per_weight (per-layer),
/// w_sep, overflow_rate, schedule_scale, fine_tune_lr, coding, fine_tune, then for each layer of space.layers in the
/// model's order layers.LAYER.sparsity and layers.LAYER.bits.</para>
/// <para>A list is a set of choices: it becomes a <see cref="CategoricalDimension"/> whose choices are the values as
/// written (invariant text; "default" for the default overflow rate), in the written order, so that a point holds the
/// index of a value and a grid lists them as the spec does. A range becomes a <see cref="FloatDimension"/> (bits: an
/// <see cref="IntDimension"/>), ordered, continuous or stepped, linear or log. A key with a single value (a one-element
/// list, or a range whose low is its high) is no dimension: every trial takes that value.</para>
/// <para>Under bits.policy uniform, bits and every layers.LAYER.bits are active; under per-layer, budget_bits_per_weight.</para>
/// </remarks>
public static class SweepSpaceMapping
{
    /// <summary>The search space of the spec's space (single-valued keys left out).</summary>
    public static SamplerSpace ToSearchSpace(SweepSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new SamplerSpace([.. Knobs(spec).Where(k => !k.IsFixed).Select(k => k.Dimension)]);
    }

    /// <summary>
    /// The trial of <paramref name="point"/>: every dimension's value (or the key's single value), per-layer sparsity
    /// and bits by weight name, and Parameters = the point. A point that misses an active dimension, holds one the
    /// space does not have or is inactive, or a value outside its dimension, is an ArgumentException.
    /// </summary>
    public static TrialConfig ToConfig(SweepSpec spec, Point point)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(point);
        var knobs = Knobs(spec);
        var space = spec.Space;
        var byName = knobs.ToDictionary(k => k.Name, StringComparer.Ordinal);
        foreach (var name in point.Values.Keys.Order(StringComparer.Ordinal))
        {
            if (!byName.TryGetValue(name, out var knob) || knob.IsFixed)
                throw new ArgumentException($"The point names '{name}', which is no dimension of the sweep's space.");
        }

        var policy = space.Bits.Policy;
        var parameters = new Dictionary<string, double>(StringComparer.Ordinal);
        // Each knob's value: the point's (decoded), or the key's single value; null when inactive.
        var chosen = new Dictionary<string, double?>(StringComparer.Ordinal);
        foreach (var knob in knobs)
        {
            if (!knob.IsActive(policy))
            {
                if (point.Has(knob.Name)) throw new ArgumentException($"The point gives '{knob.Name}', which is inactive under bits.policy {SweepVocabulary.Name(policy)}.");
                continue;
            }
            double? value;
            if (knob.IsFixed) value = knob.FixedValue;
            else
            {
                if (!point.Values.TryGetValue(knob.Name, out var raw)) throw new ArgumentException($"The point has no value for '{knob.Name}'.");
                value = knob.Decode(raw);
                parameters[knob.Name] = raw;
            }
            chosen[knob.Name] = value;
            if (knob.Name == SpaceKeys.BitsPolicy) policy = space.Bits.Policies![(int)value!.Value];
        }

        double Number(string key) => chosen[key] ?? throw new InvalidOperationException($"'{key}' has no value.");
        var perLayer = policy == BitsPolicy.PerLayer;
        var bits = perLayer ? space.Bits.PerLayerCandidates.Max() : (int)Number(SpaceKeys.Bits);
        var pruning = space.TargetSparsity is not null ? SpaceKeys.Sparsity : SpaceKeys.PruneAlpha;
        var layerSparsity = new Dictionary<string, double>(StringComparer.Ordinal);
        var layerBits = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var layer in space.Layers ?? [])
        {
            if (chosen.GetValueOrDefault(SpaceKeys.LayerSparsity(layer.Layer)) is { } sparsity) layerSparsity[layer.Weight] = sparsity;
            if (chosen.GetValueOrDefault(SpaceKeys.LayerBits(layer.Layer)) is { } width) layerBits[layer.Weight] = (int)width;
        }
        return new TrialConfig(
            Model: SweepVocabulary.Model(spec.Model) ?? spec.Model,
            Dataset: SweepVocabulary.Dataset(spec.Dataset) ?? spec.Dataset,
            Seed: spec.Seed,
            Training: spec.Training,
            TargetSparsity: pruning == SpaceKeys.Sparsity ? Number(pruning) : null,
            PruneAlpha: pruning == SpaceKeys.PruneAlpha ? Number(pruning) : null,
            BitsPolicy: policy,
            Bits: bits,
            CandidateBits: perLayer ? space.Bits.PerLayerCandidates : [bits],
            BudgetBitsPerWeight: perLayer ? Number(SpaceKeys.BudgetBitsPerWeight) : null,
            WSep: Number(SpaceKeys.WSep),
            OverflowRate: chosen[SpaceKeys.OverflowRate],
            ScheduleScale: Number(SpaceKeys.ScheduleScale),
            FineTuneLearningRate: Number(SpaceKeys.FineTuneLearningRate),
            Coding: space.Coding[(int)Number(SpaceKeys.Coding)])
        {
            FineTune = space.FineTune[(int)Number(SpaceKeys.FineTune)],
            LayerSparsity = layerSparsity.Count > 0 ? layerSparsity : null,
            LayerBits = layerBits.Count > 0 ? layerBits : null,
            Parameters = parameters,
        };
    }

    /// <summary>
    /// The point <paramref name="config"/> stands for in the spec's space, read from its settings (not from its
    /// Parameters, whose list indices belong to the spec it was made from), so that trials of another sweep can seed
    /// this one's sampler. Null when the config does not fit: a value that is none of a list's, outside a range or off
    /// its step, a single-valued key with another value, a bits policy or per-layer setting the space does not have.
    /// </summary>
    public static Point? ToPoint(SweepSpec spec, TrialConfig config)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(config);
        var space = spec.Space;
        var bits = space.Bits;
        var policies = bits.Policies is { Count: > 0 } listed ? listed : [bits.Policy];
        if (!policies.Contains(config.BitsPolicy)) return null;
        if (config.BitsPolicy == BitsPolicy.PerLayer && !config.CandidateBits.Order().SequenceEqual(bits.PerLayerCandidates.Order())) return null;
        if (config.BitsPolicy == BitsPolicy.PerLayer && config.LayerBits is { Count: > 0 }) return null;

        var layers = space.Layers ?? [];
        var sparsityLayers = layers.Where(l => l.HasSparsity).Select(l => l.Weight).ToHashSet(StringComparer.Ordinal);
        var bitsLayers = layers.Where(l => l.HasBits).Select(l => l.Weight).ToHashSet(StringComparer.Ordinal);
        if (config.LayerSparsity?.Keys.Any(k => !sparsityLayers.Contains(k)) == true) return null;
        if (config.LayerBits?.Keys.Any(k => !bitsLayers.Contains(k)) == true) return null;

        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var knob in Knobs(spec))
        {
            if (!knob.IsActive(config.BitsPolicy)) continue;
            double? value = knob.Name switch
            {
                SpaceKeys.Sparsity => config.TargetSparsity,
                SpaceKeys.PruneAlpha => config.PruneAlpha,
                SpaceKeys.BitsPolicy => Index(bits.Policies!, config.BitsPolicy),
                SpaceKeys.Bits => config.Bits,
                SpaceKeys.BudgetBitsPerWeight => config.BudgetBitsPerWeight,
                SpaceKeys.WSep => config.WSep,
                SpaceKeys.OverflowRate => config.OverflowRate,
                SpaceKeys.ScheduleScale => config.ScheduleScale,
                SpaceKeys.FineTuneLearningRate => config.FineTuneLearningRate,
                SpaceKeys.Coding => Index(space.Coding, config.Coding),
                SpaceKeys.FineTune => Index(space.FineTune, config.FineTune),
                _ => LayerValue(knob, config),
            };
            // A missing value is only right for the overflow rate, whose null is the paper's default.
            if (value is null && knob.Name != SpaceKeys.OverflowRate) return null;
            if (knob.Encode(value) is not { } encoded) return null;
            if (!knob.IsFixed) values[knob.Name] = encoded;
        }
        return new Point(values);

        static double? LayerValue(Knob knob, TrialConfig config) => knob.Layer switch
        {
            { } layer when knob.Name == SpaceKeys.LayerSparsity(layer.Layer) =>
                config.LayerSparsity is not null && config.LayerSparsity.TryGetValue(layer.Weight, out var sparsity) ? sparsity : null,
            { } layer => config.LayerBits is not null && config.LayerBits.TryGetValue(layer.Weight, out var width) ? width : null,
            _ => null,
        };

        // A choice's index, or null when the list lacks it.
        static double? Index<T>(IReadOnlyList<T> list, T value) where T : struct, Enum
        {
            for (var i = 0; i < list.Count; i++)
                if (EqualityComparer<T>.Default.Equals(list[i], value)) return i;
            return null;
        }
    }

    /// <summary>
    /// True when every key of the space is a list: no ranges, no per-layer dimensions, one bits policy. Such a space
    /// is planned as it always was (the same trials in the same order for the same spec and seed).
    /// </summary>
    public static bool IsListsOnly(SpecSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        return space.Ranges is not { Count: > 0 } && space.Layers is not { Count: > 0 } && space.Bits?.SearchesPolicy != true;
    }

    /// <summary>
    /// The number of points of a discrete space (active dimensions only, so a conditional dimension counts under its
    /// condition); null when a dimension is continuous. Saturates at long.MaxValue.
    /// </summary>
    public static long? CountGrid(SamplerSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (!space.IsDiscrete) return null;
        var parents = space.Dimensions.Where(d => d.When is not null).Select(d => d.When!.Dimension).ToHashSet(StringComparer.Ordinal);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        return Count(0);

        long Count(int i)
        {
            if (i == space.Dimensions.Count) return 1;
            var dimension = space.Dimensions[i];
            if (!SamplerSpace.IsActive(dimension, values, space)) return Count(i + 1);
            var cardinality = dimension.Cardinality!.Value;
            if (!parents.Contains(dimension.Name)) return Multiply(cardinality, Count(i + 1));
            // A dimension others depend on: each of its values counts the rest under it.
            long total = 0;
            for (long k = 0; k < cardinality; k++)
            {
                values[dimension.Name] = dimension.ValueAt(k);
                total = Add(total, Count(i + 1));
            }
            values.Remove(dimension.Name);
            return total;
        }
    }

    /// <summary>
    /// Every point of a discrete space in the grid's order: dimension by dimension, the last varying fastest, each
    /// dimension's values in its order, an inactive dimension skipped.
    /// </summary>
    public static IEnumerable<Point> Grid(SamplerSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (!space.IsDiscrete)
        {
            var continuous = space.Dimensions.First(d => d.Cardinality is null);
            throw new ArgumentException($"A grid needs discrete values, and '{continuous.Name}' is a continuous range.");
        }
        return Walk(0, new Dictionary<string, double>(StringComparer.Ordinal));

        IEnumerable<Point> Walk(int i, Dictionary<string, double> values)
        {
            if (i == space.Dimensions.Count)
            {
                yield return new Point(new Dictionary<string, double>(values, StringComparer.Ordinal));
                yield break;
            }
            var dimension = space.Dimensions[i];
            if (!SamplerSpace.IsActive(dimension, values, space))
            {
                foreach (var point in Walk(i + 1, values)) yield return point;
                yield break;
            }
            for (long k = 0; k < dimension.Cardinality!.Value; k++)
            {
                values[dimension.Name] = dimension.ValueAt(k);
                foreach (var point in Walk(i + 1, values)) yield return point;
            }
            values.Remove(dimension.Name);
        }
    }

    private static long Multiply(long a, long b) => a == 0 || b == 0 ? 0 : a > long.MaxValue / b ? long.MaxValue : a * b;

    private static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    /// <summary>Every key of the space as a knob, in the dimensions' order, single-valued ones included.</summary>
    private static List<Knob> Knobs(SweepSpec spec)
    {
        var space = spec.Space ?? throw new ArgumentException("The sweep spec has no space.");
        var bits = space.Bits ?? throw new ArgumentException("The sweep spec's space has no bits.");
        var knobs = new List<Knob>();
        var uniformOnly = bits.SearchesPolicy ? new Condition(SpaceKeys.BitsPolicy, [SweepVocabulary.Name(BitsPolicy.Uniform)]) : null;
        var perLayerOnly = bits.SearchesPolicy ? new Condition(SpaceKeys.BitsPolicy, [SweepVocabulary.Name(BitsPolicy.PerLayer)]) : null;

        if (space.TargetSparsity is not null) knobs.Add(Numbers(SpaceKeys.Sparsity, space.TargetSparsity, space));
        else knobs.Add(Numbers(SpaceKeys.PruneAlpha, space.PruneAlpha, space));
        if (bits.SearchesPolicy)
        {
            knobs.Add(Knob.Words(SpaceKeys.BitsPolicy, [.. bits.Policies!.Select(SweepVocabulary.Name)]));
            knobs.Add(Numbers(SpaceKeys.Bits, Widths(bits.Values), space, integer: true) with { When = uniformOnly });
            knobs.Add(Numbers(SpaceKeys.BudgetBitsPerWeight, bits.BudgetBitsPerWeight, space) with { When = perLayerOnly });
        }
        else if (bits.Policy == BitsPolicy.PerLayer) knobs.Add(Numbers(SpaceKeys.BudgetBitsPerWeight, bits.BudgetBitsPerWeight, space));
        else knobs.Add(Numbers(SpaceKeys.Bits, Widths(bits.Values), space, integer: true));
        knobs.Add(Numbers(SpaceKeys.WSep, space.WSep, space));
        knobs.Add(Numbers(SpaceKeys.OverflowRate, space.OverflowRate, space));
        knobs.Add(Numbers(SpaceKeys.ScheduleScale, space.ScheduleScale, space));
        knobs.Add(Numbers(SpaceKeys.FineTuneLearningRate, space.FineTuneLearningRate, space));
        knobs.Add(Knob.Words(SpaceKeys.Coding, [.. space.Coding.Select(SweepVocabulary.Name)]));
        knobs.Add(Knob.Words(SpaceKeys.FineTune, [.. space.FineTune.Select(SweepVocabulary.Name)]));
        foreach (var layer in space.Layers ?? [])
        {
            if (layer.HasSparsity)
                knobs.Add(Knob.Of(SpaceKeys.LayerSparsity(layer.Layer), layer.Sparsity?.Select(v => (double?)v).ToArray(), layer.SparsityRange, integer: false) with { Layer = layer });
            if (layer.HasBits)
                knobs.Add(Knob.Of(SpaceKeys.LayerBits(layer.Layer), Widths(layer.Bits), layer.BitsRange, integer: true) with { Layer = layer, When = uniformOnly });
        }
        return knobs;
    }

    private static double?[]? Widths(IReadOnlyList<int>? widths) => widths?.Select(w => (double?)w).ToArray();

    private static Knob Numbers(string key, IReadOnlyList<double>? list, SpecSpace space, bool integer = false) =>
        Knob.Of(key, list?.Select(v => (double?)v).ToArray(), space.RangeOf(key), integer);

    private static Knob Numbers(string key, IReadOnlyList<double?>? list, SpecSpace space) => Knob.Of(key, list?.ToArray(), space.RangeOf(key), integer: false);

    private static Knob Numbers(string key, double?[]? list, SpecSpace space, bool integer) => Knob.Of(key, list, space.RangeOf(key), integer);

    /// <summary>
    /// One key of the space: a list of numbers (null for the default overflow rate), a list of words (the choice's index
    /// is its value), or a range; active under <see cref="When"/>.
    /// </summary>
    private sealed record Knob(string Name, IReadOnlyList<double?>? List, IReadOnlyList<string>? Choices, ValueRange? Range, bool Integer)
    {
        public Condition? When { get; init; }

        public LayerSpace? Layer { get; init; }

        public static Knob Of(string name, IReadOnlyList<double?>? list, ValueRange? range, bool integer)
        {
            if (range is not null && list is { Count: > 0 }) throw new ArgumentException($"'{name}' is given both as a list and as a range.");
            if (range is null && list is not { Count: > 0 }) throw new ArgumentException($"'{name}' has no values.");
            return new Knob(name, range is null ? list : null, null, range, integer);
        }

        public static Knob Words(string name, IReadOnlyList<string> choices) =>
            choices.Count > 0 ? new Knob(name, null, choices, null, false) : throw new ArgumentException($"'{name}' has no values.");

        public bool IsActive(BitsPolicy policy) => When is null || When.Choices.Contains(SweepVocabulary.Name(policy));

        /// <summary>A single value: a one-element list, or a range with one value in it.</summary>
        public bool IsFixed => (List?.Count ?? Choices?.Count) == 1 || Range is { } r && (r.Low == r.High || Dimension.Cardinality == 1);

        /// <summary>The value of a single-valued knob (a choice's index for words).</summary>
        public double? FixedValue => List is not null ? List[0] : Choices is not null ? 0 : Range!.Low;

        public Dimension Dimension => (List, Choices, Range) switch
        {
            (not null, _, _) => new CategoricalDimension(Name, [.. List.Select(Text)]) { When = When },
            (_, not null, _) => new CategoricalDimension(Name, Choices) { When = When },
            _ when Integer => new IntDimension(Name, (long)Range!.Low, (long)Range.High, Range.Log, (long)(Range.Step ?? 1)) { When = When },
            _ => new FloatDimension(Name, Range!.Low, Range.High, Range.Log, Range.Step) { When = When },
        };

        /// <summary>The setting a point's value stands for: a list's value, a choice's index, a range's value (snapped to its step).</summary>
        public double? Decode(double raw)
        {
            var dimension = Dimension;
            if (Range is { } range && dimension is FloatDimension { Step: null } && !dimension.Contains(raw))
            {
                // A log draw can land an ulp outside its bounds (exp of log of High).
                var clamped = Math.Clamp(raw, range.Low, range.High);
                if (Math.Abs(clamped - raw) <= 1e-9 * Math.Max(1, Math.Abs(raw))) raw = clamped;
            }
            if (!dimension.Contains(raw))
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The point's value {raw:R} of '{Name}' is not one of its values."));
            if (List is not null) return List[(int)Math.Round(raw)];
            if (Choices is not null) return Math.Round(raw);
            if (Integer) return Math.Round(raw);
            if (Range!.Step is { } step) return Math.Round(Range.Low + Math.Round((raw - Range.Low) / step) * step, 10);
            return raw;
        }

        /// <summary>The point's value for a setting, or null when the setting is none of this knob's values.</summary>
        public double? Encode(double? value)
        {
            if (List is not null)
            {
                for (var i = 0; i < List.Count; i++)
                    if (Same(List[i], value)) return i;
                return null;
            }
            if (value is not { } v) return null;
            if (Choices is not null) return v >= 0 && v < Choices.Count ? v : null;
            if (IsFixed) return Same(FixedValue, v) ? v : null;
            var range = Range!;
            if (!(v >= range.Low && v <= range.High)) return null;
            if (Integer && Math.Abs(v - Math.Round(v)) > 1e-9) return null;
            if (range.Step is { } step && Math.Abs((v - range.Low) / step - Math.Round((v - range.Low) / step)) > 1e-6) return null;
            return v;
        }

        private static bool Same(double? a, double? b) =>
            a is null ? b is null : b is { } y && Math.Abs(a.Value - y) <= 1e-12 * Math.Max(1, Math.Abs(y));

        private static string Text(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "default";
    }
}

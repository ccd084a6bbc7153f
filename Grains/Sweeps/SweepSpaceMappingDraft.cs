using System.Globalization;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Search;
using SamplerSpace = FocusedQuantization.Search.SearchSpace;

namespace FocusedQuantization.Grains.Sweeps;

// DRAFT (lead): replaced by h3's SweepSpaceMapping (ranges, per-layer dimensions) when h-space is merged. Lists only.

/// <summary>The sweep spec's space as the Search library's, and back.</summary>
public static class SweepSpaceMapping
{
    public static SamplerSpace ToSearchSpace(SweepSpec spec)
    {
        var s = spec.Space;
        var dims = new List<Dimension>();
        void Add<T>(string name, IReadOnlyList<T>? values)
        {
            if (values is { Count: > 1 }) dims.Add(new CategoricalDimension(name, [.. values.Select(v => string.Format(CultureInfo.InvariantCulture, "{0}", v))]));
        }
        Add(s.PruneAlpha is null ? "sparsity" : "prune_alpha", s.TargetSparsity ?? s.PruneAlpha);
        if (s.Bits.Policy == BitsPolicy.PerLayer) Add("budget_bits_per_weight", s.Bits.BudgetBitsPerWeight);
        else Add("bits", s.Bits.Values);
        Add("w_sep", s.WSep);
        Add("overflow_rate", s.OverflowRate);
        Add("schedule_scale", s.ScheduleScale);
        Add("fine_tune_lr", s.FineTuneLearningRate);
        Add("coding", s.Coding);
        Add("fine_tune", s.FineTune);
        return new SamplerSpace(dims);
    }

    public static TrialConfig ToConfig(SweepSpec spec, Point point)
    {
        var s = spec.Space;
        T Pick<T>(string name, IReadOnlyList<T> values) => point.Has(name) ? values[(int)point[name]] : values[0];
        var perLayer = s.Bits.Policy == BitsPolicy.PerLayer;
        var bits = perLayer ? s.Bits.Values.Max() : Pick("bits", s.Bits.Values);
        return new TrialConfig(
            SweepVocabulary.Model(spec.Model) ?? spec.Model, SweepVocabulary.Dataset(spec.Dataset) ?? spec.Dataset, spec.Seed, spec.Training,
            s.TargetSparsity is { } sp ? Pick("sparsity", sp) : null, s.PruneAlpha is { } pa ? Pick("prune_alpha", pa) : null,
            s.Bits.Policy, bits, perLayer ? s.Bits.Values : [bits], perLayer ? Pick("budget_bits_per_weight", s.Bits.BudgetBitsPerWeight!) : null,
            Pick("w_sep", s.WSep), Pick("overflow_rate", s.OverflowRate), Pick("schedule_scale", s.ScheduleScale),
            Pick("fine_tune_lr", s.FineTuneLearningRate), Pick("coding", s.Coding))
        {
            FineTune = Pick("fine_tune", s.FineTune),
            Parameters = point.Values,
        };
    }

    public static Point? ToPoint(SweepSpec spec, TrialConfig config) => config.Parameters is { } p ? new Point(p) : null;
}

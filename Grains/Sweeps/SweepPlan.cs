using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Grains.Interfaces.Sweeps.Specs;

namespace FocusedQuantization.Grains.Sweeps;

/// <summary>The trials of a sweep, in the order they are scheduled.</summary>
public static class SweepPlan
{
    public static IReadOnlyList<TrialConfig> Expand(SweepSpec spec) => SweepExpander.Expand(spec);
}

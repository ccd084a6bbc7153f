using FocusedQuantization.Search;

namespace FocusedQuantization.Benchmarks.Search.EarlyStopping;

/// <summary>A completed trial's values at a rung and at its end (every objective minimized).</summary>
public sealed record RungAndFinal(IReadOnlyList<double> AtRung, IReadOnlyList<double> Final);

/// <summary>Whether a trial paused at a rung can still reach the front of completed trials.</summary>
public static class HopelessTrials
{
    /// <summary>
    /// True when even the best case cannot put <paramref name="atRung"/> on the front of <paramref name="completed"/>:
    /// each objective moves by the most any completed trial's moved from this rung to its end (the size, known before
    /// fine-tuning, hardly moves; accuracy grows), and the result is still dominated by a completed trial's final
    /// values. With no completed trial nothing is hopeless.
    /// </summary>
    public static bool IsHopeless(IReadOnlyList<double> atRung, IReadOnlyList<RungAndFinal> completed)
    {
        ArgumentNullException.ThrowIfNull(atRung);
        ArgumentNullException.ThrowIfNull(completed);
        if (completed.Count == 0) return false;
        var best = new double[atRung.Count];
        for (var m = 0; m < best.Length; m++)
            best[m] = atRung[m] + completed.Min(c => c.Final[m] - c.AtRung[m]);
        return completed.Any(c => ParetoSorting.Dominates(c.Final, best));
    }
}

namespace FocusedQuantization.Grains.Interfaces.Sweeps;

/// <summary>Helpers for callers of <see cref="ISweepGrain"/> that want more than one bounded answer.</summary>
public static class SweepQueries
{
    /// <summary>The most trials one <see cref="ISweepGrain.GetTrials"/> call returns.</summary>
    public const int MaxPage = 1000;

    /// <summary>Every trial (or every trial in <paramref name="state"/>) in index order, paged through <see cref="ISweepGrain.GetTrials"/>.</summary>
    public static async Task<IReadOnlyList<TrialStatus>> AllTrialsAsync(this ISweepGrain sweep, TrialState? state = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var trials = new List<TrialStatus>();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await sweep.GetTrials(trials.Count, MaxPage, state);
            trials.AddRange(page.Trials);
            if (page.Trials.Count == 0 || trials.Count >= page.Total) return trials;
        }
    }

    /// <summary>The full results of <paramref name="trials"/> (completed ones), from their trial grains, a few at a time.</summary>
    public static async Task<IReadOnlyDictionary<string, TrialResult>> ResultsAsync(this IGrainFactory grains, IEnumerable<TrialStatus> trials,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var results = new System.Collections.Concurrent.ConcurrentDictionary<string, TrialResult>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(trials.Where(t => t.State == TrialState.Completed),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (trial, _) =>
            {
                if (await grains.GetGrain<ITrialGrain>(trial.TrialId).GetResult() is { } result) results[trial.TrialId] = result;
            });
        return results;
    }
}

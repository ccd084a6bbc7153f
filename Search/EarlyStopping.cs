namespace FocusedQuantization.Search;

/// <summary>
/// The fine-tuning epochs at which a trial is judged, the whole schedule last: geometric (MinFraction x total, x Eta,
/// x Eta^2, ..., rounded, at least 1, each above the last; with 8 epochs, Eta 2 and MinFraction 1/8: 1, 2, 4, 8) or
/// given (<see cref="Explicit"/>).
/// </summary>
public sealed record RungSchedule(IReadOnlyList<int> Epochs)
{
    /// <summary>The whole schedule: the last rung.</summary>
    public int TotalEpochs => Epochs[^1];

    /// <summary>The rungs of a schedule of <paramref name="totalEpochs"/> epochs.</summary>
    public static RungSchedule Geometric(int totalEpochs, int eta, double minFraction)
    {
        if (totalEpochs < 1) throw new ArgumentOutOfRangeException(nameof(totalEpochs), totalEpochs, "A schedule has at least one epoch.");
        if (eta < 2) throw new ArgumentOutOfRangeException(nameof(eta), eta, "Eta must be at least 2.");
        if (!(minFraction > 0 && minFraction < 1)) throw new ArgumentOutOfRangeException(nameof(minFraction), minFraction, "The first rung is a fraction in (0, 1) of the schedule.");
        var epochs = new List<int>();
        for (var budget = totalEpochs * minFraction; budget < totalEpochs; budget *= eta)
        {
            var epoch = Math.Max(1, (int)Math.Round(budget, MidpointRounding.AwayFromZero));
            if (epoch < totalEpochs && (epochs.Count == 0 || epoch > epochs[^1])) epochs.Add(epoch);
        }
        epochs.Add(totalEpochs);
        return new RungSchedule(epochs);
    }

    /// <summary>
    /// Given rungs: the epochs of <paramref name="epochs"/> within the schedule (from 1, below <paramref name="totalEpochs"/>),
    /// in order, once each, then the whole schedule. A shorter schedule drops the rungs it does not reach.
    /// </summary>
    public static RungSchedule Explicit(int totalEpochs, IEnumerable<int> epochs)
    {
        if (totalEpochs < 1) throw new ArgumentOutOfRangeException(nameof(totalEpochs), totalEpochs, "A schedule has at least one epoch.");
        ArgumentNullException.ThrowIfNull(epochs);
        return new RungSchedule([.. epochs.Where(e => e >= 1 && e < totalEpochs).Distinct().Order(), totalEpochs]);
    }

    /// <summary>The rung a trial paused at <paramref name="epoch"/> has reached (-1 before the first).</summary>
    public int RungOf(int epoch)
    {
        var rung = -1;
        for (var i = 0; i < Epochs.Count && Epochs[i] <= epoch; i++) rung = i;
        return rung;
    }
}

/// <summary>A trial's figures at a rung: its objectives so far (every one minimized) and how far it breaks the constraints.</summary>
public sealed record RungResult(int Number, IReadOnlyList<double> Values, double Violation = 0);

/// <summary>
/// Promotion in multi-objective asynchronous successive halving (MO-ASHA; Schmucker, Donini, Zafar, Salinas, Archambeau:
/// "Multi-objective asynchronous successive halving", 2021): of the n trials that reached a rung, the best n / Eta go on.
/// "Best" is non-dominated sorting (with Deb's constraint domination), a front's members ordered by crowding distance
/// (the diversity tie-break: the extremes and the isolated first, as in NSGA-II), then by trial number.
/// </summary>
/// <remarks>
/// At least one trial always goes on, so the first trials of a sweep run to the end and the front fills early. A repeat
/// (a result with exactly the figures of an earlier-numbered one: the same configuration trained again, as adaptive
/// samplers propose on discrete spaces) adds nothing to the front: it ranks after every distinct result and does not
/// count towards the quota. The rule is a pure function of the results it is given: a sweep gives it the results of
/// trials whose outcomes are settled (see docs/SEARCH.md), which keeps early-stopped sweeps reproducible.
/// </remarks>
public sealed class MultiObjectiveAsha
{
    public MultiObjectiveAsha(int eta)
    {
        if (eta < 2) throw new ArgumentOutOfRangeException(nameof(eta), eta, "Eta must be at least 2.");
        Eta = eta;
    }

    public int Eta { get; }

    /// <summary>How many of <paramref name="count"/> distinct trials at a rung go on: count / Eta, at least 1.</summary>
    public int Quota(int count) => Math.Max(1, count / Eta);

    /// <summary>Whether <paramref name="candidate"/> goes on past the rung where <paramref name="peers"/> (not including it) also are.</summary>
    public bool Promotes(RungResult candidate, IReadOnlyList<RungResult> peers) => Judge(candidate, peers).GoesOn;

    /// <summary>
    /// The candidate's place among itself and <paramref name="peers"/> at a rung (0 = best), how many there are, how many
    /// go on, and whether it is one of them.
    /// </summary>
    public RungJudgement Judge(RungResult candidate, IReadOnlyList<RungResult> peers)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(peers);
        var all = peers.Where(p => p.Number != candidate.Number).Append(candidate).ToArray();
        var position = Array.IndexOf(Order(all), candidate.Number);
        var quota = Quota(Distinct(all).Length);
        var repeatOf = all.Where(p => p.Number < candidate.Number && SameFigures(p, candidate)).Select(p => (int?)p.Number).Min();
        return new RungJudgement(position < quota, position, all.Length, quota) { RepeatOf = repeatOf };
    }

    /// <summary>
    /// Late promotions, once every trial has settled: the stopped trials that rank in the best 1/Eta of the last rung
    /// they reached, among every (distinct) trial that reached it, in number order.
    /// </summary>
    public IReadOnlyList<int> LatePromotions(IReadOnlyList<RungHistory> settled)
    {
        ArgumentNullException.ThrowIfNull(settled);
        var promoted = new SortedSet<int>();
        foreach (var rung in settled.Where(t => t.Stopped && t.LastRung >= 0).GroupBy(t => t.LastRung))
        {
            var results = settled.Select(t => t.At(rung.Key)).OfType<RungResult>().ToArray();
            var best = Order(results).Take(Quota(Distinct(results).Length)).ToHashSet();
            foreach (var trial in rung.Where(t => best.Contains(t.Number))) promoted.Add(trial.Number);
        }
        return [.. promoted];
    }

    /// <summary>The numbers of <paramref name="results"/>, best first.</summary>
    public static int[] Order(IReadOnlyList<RungResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var byNumber = Distinct(results);
        // A repeat of an earlier result (the same figures) adds nothing to the front: it ranks after every distinct one.
        var kept = byNumber.Select(r => r.Number).ToHashSet();
        var repeats = results.Select(r => r.Number).Where(n => !kept.Contains(n)).Order();
        var values = byNumber.Select(r => r.Values).ToArray();
        var ranks = ParetoSorting.Ranks(values, byNumber.Select(r => r.Violation).ToArray());
        var order = new List<int>(byNumber.Length);
        foreach (var front in ParetoSorting.Fronts(ranks))
        {
            var crowding = ParetoSorting.CrowdingDistance(values, front);
            order.AddRange(front.Select((index, i) => (index, distance: crowding[i]))
                .OrderByDescending(m => m.distance).ThenBy(m => byNumber[m.index].Number)
                .Select(m => byNumber[m.index].Number));
        }
        order.AddRange(repeats);
        return [.. order];
    }

    /// <summary>The results in number order without repeats (the same figures as an earlier-numbered one).</summary>
    private static RungResult[] Distinct(IEnumerable<RungResult> results) =>
        [.. results.OrderBy(r => r.Number).DistinctBy(r => (Key(r.Values), r.Violation))];

    private static bool SameFigures(RungResult a, RungResult b) => a.Violation.Equals(b.Violation) && Key(a.Values) == Key(b.Values);

    // Exact figures: a repeat is the same run again, not a near neighbour.
    private static string Key(IReadOnlyList<double> values) => string.Join(' ', values.Select(BitConverter.DoubleToInt64Bits));
}

/// <summary>
/// Where a trial stands at a rung: its place (0 = best) among Count trials, of which the best Quota go on; RepeatOf: the
/// earliest trial there with exactly its figures (null: none).
/// </summary>
public sealed record RungJudgement(bool GoesOn, int Position, int Count, int Quota)
{
    public int? RepeatOf { get; init; }
}

/// <summary>A settled trial's results at each rung it reached (index = rung), and whether it was stopped early.</summary>
public sealed record RungHistory(int Number, IReadOnlyList<RungResult?> Rungs, bool Stopped)
{
    /// <summary>The last rung reached (-1: none).</summary>
    public int LastRung
    {
        get
        {
            for (var i = Rungs.Count - 1; i >= 0; i--)
                if (Rungs[i] is not null) return i;
            return -1;
        }
    }

    /// <summary>The result at a rung, or null when the trial did not reach it.</summary>
    public RungResult? At(int rung) => rung >= 0 && rung < Rungs.Count ? Rungs[rung] : null;
}

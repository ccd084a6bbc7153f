namespace FocusedQuantization.Search;

/// <summary>A point of a search space: a value per active dimension (categoricals hold their choice index).</summary>
public sealed record Point(IReadOnlyDictionary<string, double> Values)
{
    public double this[string name] => Values[name];

    public bool Has(string name) => Values.ContainsKey(name);
}

/// <summary>What became of a trial, as a sampler sees it.</summary>
public enum ObservationState
{
    /// <summary>Asked and not finished: its point is known, its values are not.</summary>
    Running,

    /// <summary>Finished its whole budget: its values count.</summary>
    Complete,

    /// <summary>Stopped early at a budget below the full one: its values are partial (a lower bound of quality).</summary>
    Stopped,

    /// <summary>Failed: the point gave no values (for example a divergence, or an infeasible configuration).</summary>
    Failed,
}

/// <summary>
/// A trial as a sampler sees it. Values are the objectives, every one minimized (negate a maximized one); Violation is
/// how far the trial breaks its constraints (0 when feasible), as in constrained NSGA-II (Deb et al., 2002).
/// </summary>
public sealed record Observation(int Number, Point Point, ObservationState State, IReadOnlyList<double>? Values = null, double Violation = 0)
{
    public bool IsFeasible => Violation <= 0;
}

/// <summary>
/// Suggests the next point to try. A sampler is a pure function: the same space, seed, history and number give the same
/// point. That makes a sweep reproducible and resumable: its sampler is rebuilt after a crash by asking again with the
/// finished trials, and needs no state of its own.
/// </summary>
public interface ISampler
{
    /// <summary>The sampler's name as a spec writes it (grid, random, nsga2, motpe).</summary>
    string Name { get; }

    /// <summary>
    /// The point for trial <paramref name="number"/> given what is known of earlier trials (<paramref name="history"/>;
    /// Running entries are asked but not finished). The samplers read the history by number whatever its order, leave
    /// out an entry numbered <paramref name="number"/>, and expect numbers to be unique (warm-started trials from an
    /// earlier sweep need numbers of their own, for example negative ones).
    /// </summary>
    Point Ask(SearchSpace space, IReadOnlyList<Observation> history, int number);
}

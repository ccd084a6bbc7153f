using Orleans.Concurrency;

namespace FocusedQuantization.Grains.Interfaces.Sweeps;

/// <summary>
/// One trial, keyed "{sweepId}/{index:D4}": runs prune -> per-layer plan -> fine-tune -> encode -> evaluate in the
/// background and tells its sweep the outcome with a one-way call. Start returns at once and is idempotent.
/// </summary>
[Alias("fq.ITrialGrain")]
public interface ITrialGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts the trial unless it is running here already, and returns at once: the trial's outcome when it has one
    /// (then nothing runs again), else null. <paramref name="sweepName"/> (the spec's name) names the experiment the
    /// trial logs its run in.
    /// </summary>
    /// <remarks>
    /// With a <paramref name="budget"/> (an early-stopping sweep) the trial evaluates its rungs and pauses after
    /// UntilEpoch fine-tuning epochs, answering with a <see cref="TrialState.Stopped"/> outcome; a later Start with a
    /// larger UntilEpoch resumes it from its checkpoint.
    /// </remarks>
    [Alias("Start")]
    Task<TrialOutcome?> Start(string sweepId, int index, TrialConfig config, string sweepName, TrialBudget? budget = null);

    /// <summary>Stops the trial: its work is cancelled and it is recorded as cancelled (unless it already had an outcome).</summary>
    [Alias("Cancel")]
    Task Cancel();

    /// <summary>
    /// Its sweep has ended (completed or cancelled): nothing will resume the trial, so it deletes the paused checkpoints it
    /// still has, from every silo that holds a copy. A run of its own under way ends first. Idempotent.
    /// </summary>
    [Alias("ReleaseCheckpoints")]
    Task ReleaseCheckpoints();

    /// <summary>The trial's state as this grain knows it.</summary>
    [ReadOnly, Alias("GetState")]
    Task<TrialState> GetState();

    /// <summary>The full result of a completed trial (per-layer and per-epoch detail), else null.</summary>
    [ReadOnly, Alias("GetResult")]
    Task<TrialResult?> GetResult();

    /// <summary>The silos that answered this trial's layer searches (where its fan-out ran).</summary>
    [ReadOnly, Alias("GetLayerSilos")]
    Task<IReadOnlyList<string>> GetLayerSilos();
}

/// <summary>
/// How far an early-stopping sweep lets a trial fine-tune: its rungs (fine-tuning epochs at which it is evaluated) and
/// the epoch after which it pauses for the sweep's decision (the whole schedule: it finishes).
/// </summary>
[GenerateSerializer, Immutable, Alias("fq.TrialBudget")]
public sealed record TrialBudget([property: Id(0)] IReadOnlyList<int> RungEpochs, [property: Id(1)] int UntilEpoch);

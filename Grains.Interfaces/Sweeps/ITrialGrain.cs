using Orleans.Concurrency;

namespace FocusedQuantization.Grains.Interfaces.Sweeps;

/// <summary>
/// One trial, keyed "{sweepId}/{index}": runs prune -> per-layer plan -> fine-tune -> encode -> evaluate in the
/// background and reports to its sweep. Start returns at once and is idempotent.
/// </summary>
[Alias("fq.ITrialGrain")]
public interface ITrialGrain : IGrainWithStringKey
{
    /// <summary>Starts the trial unless it is running or finished here already.</summary>
    [Alias("Start")]
    Task Start(string sweepId, TrialConfig config);

    /// <summary>Stops the trial promptly.</summary>
    [AlwaysInterleave, Alias("Cancel")]
    Task Cancel();

    /// <summary>The trial's state as this grain knows it.</summary>
    [AlwaysInterleave, Alias("GetState")]
    Task<TrialState> GetState();

    /// <summary>The silos that answered this trial's layer searches (where its fan-out ran).</summary>
    [AlwaysInterleave, Alias("GetLayerSilos")]
    Task<IReadOnlyList<string>> GetLayerSilos();
}

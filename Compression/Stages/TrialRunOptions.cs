using FocusedQuantization.Compression.Pipeline;

namespace FocusedQuantization.Compression.Stages;

/// <summary>
/// How a trial run reports on itself and where it may stop: rung evaluations after chosen fine-tuning epochs, the
/// size estimate before the first epoch, a pause (a resumable checkpoint instead of a report) and a resume from one.
/// None of these change the fine-tuning: a run paused and resumed writes the bytes an uninterrupted run writes.
/// </summary>
public sealed record TrialRunOptions
{
    /// <summary>No rungs, no pause, no resume: the plain trial.</summary>
    public static TrialRunOptions Default { get; } = new();

    /// <summary>Fine-tuning epochs (1-based, counted over the whole schedule) after which the model is evaluated.</summary>
    public IReadOnlyList<int> RungEpochs { get; init; } = [];

    /// <summary>Evaluate after every fine-tuning epoch (then <see cref="RungEpochs"/> is not needed).</summary>
    public bool EvaluateEveryEpoch { get; init; }

    /// <summary>
    /// Which weights a rung evaluates; default <see cref="Stages.RungWeights.AsTrained"/>, the better predictor of the
    /// final top-1 where the two differ (docs/ALGORITHM.md, "Early stopping signals"). After the last epoch both are
    /// the weights the .fqz holds.
    /// </summary>
    public RungWeights RungWeights { get; init; } = RungWeights.AsTrained;

    /// <summary>
    /// Pause after this many fine-tuning epochs (1-based): save a resumable checkpoint and return without coding. An
    /// epoch at or past the end of the schedule, or one a resumed run has already passed, does not pause.
    /// </summary>
    public int? StopAfterEpoch { get; init; }

    /// <summary>
    /// Called synchronously, on the trial's thread, with each rung evaluation; <see cref="RungDecision.Pause"/> pauses
    /// the trial there (unless the schedule has ended).
    /// </summary>
    public Func<RungEvaluation, RungDecision>? OnRung { get; init; }

    /// <summary>Called synchronously with the estimated .fqz size before the first fine-tuning epoch of a fresh run.</summary>
    public Action<long>? OnEstimate { get; init; }

    /// <summary>
    /// A paused checkpoint (<see cref="TrialPause.CheckpointId"/>) of this trial to resume from. A missing or damaged
    /// one is set aside and the trial starts again from its pruned checkpoint, with a warning.
    /// </summary>
    public string? ResumeFrom { get; init; }

    /// <summary>
    /// Who the paused checkpoints of this run belong to (a sweep's trial id), or null. Part of their ids: two trials of the
    /// same settings (in two sweeps, or twice in one) then each have their own, and one can delete its own
    /// (<see cref="TrialStage.DeletePaused"/>) without taking away the checkpoint the other resumes from.
    /// </summary>
    public string? Owner { get; init; }

    /// <summary>Whether a rung is due after <paramref name="epoch"/> fine-tuning epochs.</summary>
    public bool IsRung(int epoch) => EvaluateEveryEpoch || RungEpochs.Contains(epoch);

    /// <summary>Throws ArgumentException naming the first setting out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(RungEpochs);
        if (RungEpochs.Any(e => e < 1)) throw new ArgumentException($"Rung epochs must be at least 1, got {RungEpochs.First(e => e < 1)}.");
        if (StopAfterEpoch is < 1) throw new ArgumentException($"The epoch to pause after must be at least 1, got {StopAfterEpoch}.");
        if (!Enum.IsDefined(RungWeights)) throw new ArgumentException($"Unknown rung weights {RungWeights}.");
        if (ResumeFrom is { } id && string.IsNullOrWhiteSpace(id)) throw new ArgumentException("The checkpoint to resume from must not be blank.");
        if (Owner is { } owner && string.IsNullOrWhiteSpace(owner)) throw new ArgumentException("The owner of paused checkpoints must not be blank.");
    }
}

/// <summary>Which weights a rung evaluation puts in the model.</summary>
public enum RungWeights
{
    /// <summary>The training-time mix: the quantized set quantized, the other kept weights at their float values.</summary>
    AsTrained = 0,

    /// <summary>Every kept weight quantized now by the layer's current plan and scale, as if the schedule ended here.</summary>
    Snapped = 1,
}

/// <summary>What a trial does after a rung evaluation.</summary>
public enum RungDecision
{
    /// <summary>Go on fine-tuning.</summary>
    Continue = 0,

    /// <summary>Save a resumable checkpoint and stop.</summary>
    Pause = 1,
}

/// <summary>
/// How a trial run ended: with a report (the schedule finished, the .fqz written), or paused with a checkpoint to resume
/// from. Rungs and the size estimate are given either way.
/// </summary>
/// <param name="Report">The report of a finished run; null when paused.</param>
/// <param name="Pause">Where the run paused; null when it finished.</param>
/// <param name="Rungs">Every rung evaluation so far (those of earlier runs it resumed included), in epoch order.</param>
/// <param name="EstimatedCompressedBytes">The .fqz size estimated before fine-tuning.</param>
/// <param name="DenseBytes">4 bytes for every parameter the .fqz restores (the numerator of the compression ratio).</param>
public sealed record TrialOutcome(CompressionReport? Report, TrialPause? Pause, IReadOnlyList<RungEvaluation> Rungs, long EstimatedCompressedBytes, long DenseBytes)
{
    /// <summary>The compression ratio the size estimate gives.</summary>
    public double EstimatedCompressionRatio => (double)DenseBytes / EstimatedCompressedBytes;

    /// <summary>Whether the run paused (and <see cref="Pause"/> says where).</summary>
    public bool Paused => Pause is not null;
}

/// <summary>A paused trial: fine-tuning epochs done of the schedule's, and the checkpoint that resumes it.</summary>
/// <param name="Epoch">Fine-tuning epochs done.</param>
/// <param name="Epochs">Epochs of the whole schedule.</param>
/// <param name="CheckpointId">The checkpoint in the store to pass as <see cref="TrialRunOptions.ResumeFrom"/>.</param>
/// <param name="FineTuneSeconds">Seconds spent fine-tuning so far (over every run of this trial).</param>
public sealed record TrialPause(int Epoch, int Epochs, string CheckpointId, double FineTuneSeconds);

using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Training;

namespace FocusedQuantization.Compression.Stages;

/// <summary>
/// Runs a stage's epochs one at a time and recovers from divergence where the procedure allows it: an epoch that
/// diverges is rolled back to its start (the trainer's snapshot: weights, buffers, momentum, shuffling; and the hooks'
/// state) and run again at half the learning rate it diverged at. At most <see cref="MaxRetries"/> retries per stage
/// run; the next divergence ends the stage with the <see cref="TrainingDivergedException"/>. Every recovery is kept
/// and reported as a notice through progress.
/// </summary>
/// <remarks><paramref name="retriesUsed"/>: retries a paused run of the stage already spent, which count towards the limit.</remarks>
internal sealed class DivergenceRecovery(string progressStage, int epochs, IProgress<PipelineProgress> progress, int retriesUsed = 0)
{
    /// <summary>Retries allowed over one stage run (all its epochs together).</summary>
    public const int MaxRetries = 2;

    private readonly List<TrainingRecovery> _recoveries = [];

    /// <summary>The recoveries so far, in order.</summary>
    public IReadOnlyList<TrainingRecovery> Recoveries => _recoveries;

    /// <summary>
    /// Runs one epoch by calling <paramref name="runEpoch"/> with the learning rate to use (first
    /// <paramref name="learningRate"/>, then half the last one after each divergence).
    /// </summary>
    public EpochSummary RunEpoch(Trainer trainer, IRestorableHooks? hooks, double learningRate, Func<double, EpochSummary> runEpoch)
    {
        using var start = trainer.Snapshot();
        var restoreHooks = hooks?.SaveState();
        var rate = learningRate;
        while (true)
        {
            try
            {
                return runEpoch(rate);
            }
            catch (TrainingDivergedException diverged)
            {
                if (retriesUsed + _recoveries.Count >= MaxRetries) throw diverged.AfterRetries(retriesUsed + _recoveries.Count);
                trainer.Restore(start);
                restoreHooks?.Invoke();
                rate /= 2;
                var recovery = new TrainingRecovery(
                    diverged.Stage ?? trainer.Options.Stage, diverged.Epoch ?? trainer.EpochsCompleted + 1, diverged.Batch, diverged.Reason, rate);
                _recoveries.Add(recovery);
                progress.Report(new PipelineProgress(progressStage, Math.Min(1.0, (double)trainer.EpochsCompleted / Math.Max(1, epochs)), recovery.Describe())
                {
                    Notice = true,
                });
            }
        }
    }
}

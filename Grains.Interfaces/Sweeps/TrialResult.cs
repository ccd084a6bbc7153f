namespace FocusedQuantization.Grains.Interfaces.Sweeps;

/// <summary>What a completed trial measured. Accuracies in percent.</summary>
[GenerateSerializer, Immutable, Alias("fq.TrialResult")]
public sealed record TrialResult(
    [property: Id(0)] double CompressionRatio,
    [property: Id(1)] double Top1,
    [property: Id(2)] double Top5,
    [property: Id(3)] double Sparsity,
    [property: Id(4)] long CompressedBytes,
    [property: Id(5)] long DenseBytes,
    [property: Id(6)] double Top1Dense,
    [property: Id(7)] double Top5Dense,
    [property: Id(8)] IReadOnlyList<LayerOutcome> Layers,
    [property: Id(9)] string FqzPath)
{
    /// <summary>Loss and training accuracy of each fine-tuning epoch, in order; empty when none were recorded.</summary>
    [Id(10)] public IReadOnlyList<EpochOutcome> FineTuneEpochs { get; init; } = [];

    /// <summary>
    /// Top-1 (percent) of the compressed model on the validation images held out of the training data: the figure the
    /// front and the top-1 constraint use (<see cref="Top1"/> is the test figure, only reported). NaN when unknown.
    /// </summary>
    [Id(11)] public double ValidationTop1 { get; init; } = double.NaN;

    /// <summary>Top-5 (percent) of the compressed model on the validation images.</summary>
    [Id(12)] public double ValidationTop5 { get; init; } = double.NaN;

    /// <summary>Top-1 (percent) of the dense baseline on the validation images, the reference of the top-1 constraint.</summary>
    [Id(13)] public double ValidationTop1Dense { get; init; } = double.NaN;

    /// <summary>The top-1 that choices are made on: validation when known, else (results from before validation splits) test.</summary>
    public double SelectionTop1 => double.IsFinite(ValidationTop1) ? ValidationTop1 : Top1;

    /// <summary>The dense top-1 that choices are measured from, on the same images as <see cref="SelectionTop1"/>.</summary>
    public double SelectionTop1Dense => double.IsFinite(ValidationTop1) ? ValidationTop1Dense : Top1Dense;

    /// <summary>
    /// Divergences the trial recovered from (an epoch rolled back and retried at half its learning rate), one line
    /// each, e.g. "quantize (fine-tune): epoch 3 diverged (loss NaN, batch 5); restored epoch start, retrying at lr 0.001".
    /// </summary>
    [Id(14)] public IReadOnlyList<string> Recoveries { get; init; } = [];

    /// <summary>Rung evaluations (see <see cref="TrialRunRequest"/>) of this run and the runs it resumed, in epoch order.</summary>
    [Id(15)] public IReadOnlyList<RungOutcome> Rungs { get; init; } = [];

    /// <summary>The .fqz size estimated before fine-tuning (from the first plans); null when not known.</summary>
    [Id(16)] public long? EstimatedCompressedBytes { get; init; }

    /// <summary>
    /// Set when the run paused instead of finishing: fine-tuning epochs done. A paused result has no file and no final
    /// figures (CompressionRatio, Top1, Top5, ValidationTop1 are NaN, Layers empty); its rungs and estimate are known.
    /// </summary>
    [Id(17)] public int? PausedAtEpoch { get; init; }

    /// <summary>The checkpoint a paused run saved, to pass as <see cref="TrialRunRequest.ResumeCheckpointId"/>.</summary>
    [Id(18)] public string? PausedCheckpointId { get; init; }

    /// <summary>Fine-tuning epochs of the trial's whole schedule; 0 when not known.</summary>
    [Id(19)] public int ScheduleEpochs { get; init; }

    /// <summary>Whether the run paused (see <see cref="PausedAtEpoch"/>).</summary>
    public bool Paused => PausedAtEpoch is not null;

    /// <summary>DenseBytes over the size estimated before fine-tuning: the compression ratio a trial is known by before it finishes; NaN when not known.</summary>
    public double EstimatedCompressionRatio => EstimatedCompressedBytes is { } bytes && bytes > 0 ? (double)DenseBytes / bytes : double.NaN;
}

/// <summary>One layer of a trial's compressed model.</summary>
[GenerateSerializer, Immutable, Alias("fq.LayerOutcome")]
public sealed record LayerOutcome(
    [property: Id(0)] string Name,
    [property: Id(1)] LayerMode Mode,
    [property: Id(2)] int Bits,
    [property: Id(3)] long Weights,
    [property: Id(4)] double Sparsity,
    [property: Id(5)] long CodedBits)
{
    /// <summary>The Wasserstein separation of the layer's two weight peaks, compared with w_sep to choose its mode.</summary>
    [Id(6)] public double Separation { get; init; }
}

/// <summary>One fine-tuning epoch of a trial: mean training loss and training accuracy (percent).</summary>
[GenerateSerializer, Immutable, Alias("fq.EpochOutcome")]
public sealed record EpochOutcome(
    [property: Id(0)] int Epoch,
    [property: Id(1)] double Loss,
    [property: Id(2)] double AccuracyPercent,
    [property: Id(3)] double Seconds);

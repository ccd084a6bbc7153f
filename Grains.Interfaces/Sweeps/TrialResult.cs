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

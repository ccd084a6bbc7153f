namespace FocusedQuantization.Grains.Interfaces;

/// <summary>The settings of one trial of a sweep: which model and data set to compress, and how.</summary>
/// <param name="Model">Name of the model in the model zoo, e.g. "resnet-tiny".</param>
/// <param name="Dataset">Name of the data set the model is trained and evaluated on, e.g. "fashion-mnist".</param>
/// <param name="Bits">Width n of the shift quantizer, in bits, sign included.</param>
/// <param name="WSep">
/// Wasserstein separation threshold w_sep: layers at or above it are quantized in recentralized mode,
/// the others with a plain shift quantizer (the paper uses 2.0).
/// </param>
/// <param name="OverflowRate">
/// Fraction of nonzero weights allowed to overflow the top quantization level; null means the paper's
/// default 1/(2^n + 1).
/// </param>
/// <param name="TargetSparsity">Fraction of weights pruned to zero before quantization, in [0, 1).</param>
/// <param name="ScheduleScale">Multiplier on the number of fine-tuning epochs of each incremental quantization step.</param>
/// <param name="LearningRate">Learning rate of the fine-tuning steps.</param>
/// <param name="Coding">Name of the entropy coding applied to the quantized symbols, e.g. "huffman".</param>
/// <param name="Seed">Seed of every random choice the trial makes, so that a trial can be repeated exactly.</param>
[GenerateSerializer, Immutable, Alias("fq.TrialConfig")]
public sealed record TrialConfig(
    [property: Id(0)] string Model,
    [property: Id(1)] string Dataset,
    [property: Id(2)] int Bits,
    [property: Id(3)] double WSep,
    [property: Id(4)] double? OverflowRate,
    [property: Id(5)] double TargetSparsity,
    [property: Id(6)] double ScheduleScale,
    [property: Id(7)] double LearningRate,
    [property: Id(8)] string Coding,
    [property: Id(9)] int Seed);

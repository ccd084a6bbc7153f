namespace FocusedQuantization.Compression.Data;

/// <summary>
/// An image set whose pixels are made batch by batch (decoded, augmented, normalized) rather than held as floats:
/// image folders stream from disk, CIFAR keeps its bytes and augments per batch. The batches of an epoch depend only
/// on the order asked for, the seed and the epoch, never on thread timing.
/// </summary>
public interface IBatchSource : IImageSet
{
    /// <summary>
    /// The training batches of one epoch: the images at <paramref name="order"/> (positions in this set) in that order,
    /// <paramref name="batchSize"/> at a time, each augmented with a random stream derived from
    /// (<paramref name="seed"/>, <paramref name="epoch"/>, its position).
    /// </summary>
    IEnumerable<HostBatch> TrainingBatches(IReadOnlyList<int> order, int batchSize, long seed, int epoch, CancellationToken cancellationToken = default);

    /// <summary>Every image in order, with the evaluation transforms (deterministic), <paramref name="batchSize"/> at a time.</summary>
    IEnumerable<HostBatch> EvaluationBatches(int batchSize, CancellationToken cancellationToken = default);

    /// <summary>Distinct images skipped so far because they could not be read (always 0 unless skipping was asked for).</summary>
    int SkippedImages { get; }
}

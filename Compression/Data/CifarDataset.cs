namespace FocusedQuantization.Compression.Data;

/// <summary>
/// CIFAR images kept in memory as bytes (150 MB for the whole of CIFAR-10 would be 600 MB as floats) and made into
/// floats batch by batch: for training the standard augmentation (pad 4 with zeros, a random 32x32 crop, a horizontal
/// flip with probability 1/2), then normalization with the data set's mean and deviation; for evaluation only the
/// normalization.
/// </summary>
public sealed class CifarDataset : IBatchSource
{
    private const int Side = 32;
    private const int Pad = 4;
    private readonly byte[] pixels;
    private readonly long[] labels;
    private readonly int[] rows;
    private readonly float[][] tables;

    /// <summary>A set over <paramref name="pixels"/> (N x 3072 bytes) and <paramref name="labels"/>, normalized with <paramref name="normalization"/>.</summary>
    public CifarDataset(string name, byte[] pixels, long[] labels, int classes, ImageNormalization normalization)
        : this(name, pixels, labels, Enumerable.Range(0, labels.Length).ToArray(), classes, normalization)
    {
        if (pixels.Length != (long)labels.Length * CifarFormat.PixelBytes)
            throw new ArgumentException($"{labels.Length} CIFAR images need {labels.Length * CifarFormat.PixelBytes} bytes, got {pixels.Length}.");
    }

    private CifarDataset(string name, byte[] pixels, long[] labels, int[] rows, int classes, ImageNormalization normalization)
    {
        Name = name;
        this.pixels = pixels;
        this.labels = labels;
        this.rows = rows;
        Classes = classes;
        Normalization = normalization;
        tables = normalization.Tables();
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public int Count => rows.Length;

    /// <inheritdoc />
    public int Channels => 3;

    /// <inheritdoc />
    public int Height => Side;

    /// <inheritdoc />
    public int Width => Side;

    /// <inheritdoc />
    public int Classes { get; }

    /// <summary>The normalization applied to every image.</summary>
    public ImageNormalization Normalization { get; }

    /// <inheritdoc />
    public int SkippedImages => 0;

    /// <inheritdoc />
    public long LabelAt(int index) => labels[rows[index]];

    /// <summary>The raw bytes (3 x 32 x 32, planes R, G, B) of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> RawImage(int index) => pixels.AsSpan(rows[index] * CifarFormat.PixelBytes, CifarFormat.PixelBytes);

    /// <inheritdoc />
    public IImageSet Select(IReadOnlyList<int> indices, string? part)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return new CifarDataset(part is null ? Name : $"{Name} ({part})", pixels, labels, [.. indices.Select(i => rows[i])], Classes, Normalization);
    }

    /// <inheritdoc />
    public IEnumerable<HostBatch> TrainingBatches(IReadOnlyList<int> order, int batchSize, long seed, int epoch, CancellationToken cancellationToken = default) =>
        // A 32x32 crop costs far less than the step it feeds: made on the consumer's thread.
        BatchPrefetcher.Run(Chunks(order, batchSize), CifarFormat.PixelBytes, LabelAt, (position, buffer, offset) =>
        {
            var random = SampleRandom.For(seed, epoch, position);
            Augment(position, random.NextInt(2 * Pad + 1), random.NextInt(2 * Pad + 1), random.NextBool(), buffer, offset);
            return true;
        }, workers: 0, depth: 1, cancellationToken);

    /// <inheritdoc />
    public IEnumerable<HostBatch> EvaluationBatches(int batchSize, CancellationToken cancellationToken = default) =>
        BatchPrefetcher.Run(Chunks(Enumerable.Range(0, Count).ToArray(), batchSize), CifarFormat.PixelBytes, LabelAt, (position, buffer, offset) =>
        {
            Augment(position, Pad, Pad, false, buffer, offset);
            return true;
        }, workers: 0, depth: 1, cancellationToken);

    /// <summary>
    /// Writes image <paramref name="position"/> padded by 4 zero pixels, cropped at (<paramref name="top"/>,
    /// <paramref name="left"/>) of the padded 40x40 image (4, 4 is the image itself), flipped if asked, normalized.
    /// </summary>
    public void Augment(int position, int top, int left, bool flip, float[] destination, int offset)
    {
        var source = RawImage(position);
        for (var c = 0; c < 3; c++)
        {
            var table = tables[c];
            var zero = table[0];
            var plane = source.Slice(c * Side * Side, Side * Side);
            var output = offset + c * Side * Side;
            for (var y = 0; y < Side; y++)
            {
                var sy = y + top - Pad;
                for (var x = 0; x < Side; x++)
                {
                    var ox = flip ? Side - 1 - x : x;
                    var sx = ox + left - Pad;
                    destination[output + y * Side + x] = sy is >= 0 and < Side && sx is >= 0 and < Side ? table[plane[sy * Side + sx]] : zero;
                }
            }
        }
    }

    internal static IReadOnlyList<int[]> Chunks(IReadOnlyList<int> order, int batchSize)
    {
        if (batchSize < 1) throw new ArgumentException($"Batch size must be at least 1, got {batchSize}.", nameof(batchSize));
        var chunks = new List<int[]>((order.Count + batchSize - 1) / batchSize);
        for (var start = 0; start < order.Count; start += batchSize)
        {
            var chunk = new int[Math.Min(batchSize, order.Count - start)];
            for (var i = 0; i < chunk.Length; i++) chunk[i] = order[start + i];
            chunks.Add(chunk);
        }
        return chunks;
    }
}

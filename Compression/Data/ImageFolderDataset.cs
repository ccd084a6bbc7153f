using System.Collections.Concurrent;

namespace FocusedQuantization.Compression.Data;

/// <summary>
/// One split of an image folder (torchvision's ImageFolder layout: a sub-folder per class, classes numbered in the
/// ordinal order of their names, files in the ordinal order of their paths), streamed from disk: only the file list is
/// held; each batch is decoded and transformed in parallel (<see cref="Workers"/> threads, <see cref="PrefetchBatches"/>
/// batches ahead of the consumer) with <see cref="ImageTransforms"/>. An unreadable file is an
/// <see cref="UnreadableImageException"/> naming it, or, with <see cref="SkipBadImages"/>, left out of its batch and counted.
/// </summary>
public sealed class ImageFolderDataset : IBatchSource
{
    /// <summary>The file extensions taken as images (lower case): JPEG, PNG, and the other formats ImageSharp reads that torchvision lists.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".jpg", ".jpeg", ".png", ".bmp", ".webp"];

    private readonly (string Path, long Label)[] files;
    private readonly int[] rows;
    private readonly ConcurrentDictionary<string, string> skipped;

    private ImageFolderDataset(string name, IReadOnlyList<string> classNames, (string, long)[] files, int[] rows, ImageTransforms transforms,
        bool skipBadImages, int workers, int prefetch, ConcurrentDictionary<string, string> skipped)
    {
        Name = name;
        ClassNames = classNames;
        this.files = files;
        this.rows = rows;
        Transforms = transforms;
        SkipBadImages = skipBadImages;
        Workers = workers;
        PrefetchBatches = prefetch;
        this.skipped = skipped;
    }

    /// <summary>
    /// Lists <paramref name="folder"/> (a folder of class sub-folders). With <paramref name="classNames"/> (a training
    /// split's classes), a sub-folder must be one of them and keeps its number; otherwise the classes are the sub-folders.
    /// Throws <see cref="DirectoryNotFoundException"/> or <see cref="InvalidDataException"/> saying what is wrong.
    /// </summary>
    public static ImageFolderDataset Open(string folder, string name, ImageTransforms transforms, IReadOnlyList<string>? classNames = null,
        bool skipBadImages = false, int? workers = null, int prefetchBatches = 2)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(transforms);
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Image folder '{folder}' does not exist; an image folder data set needs train/ and val/ folders of class sub-folders.");
        var found = Directory.GetDirectories(folder).Select(d => Path.GetFileName(d)!).Where(n => !n.StartsWith('.')).Order(StringComparer.Ordinal).ToArray();
        if (found.Length == 0) throw new InvalidDataException($"Image folder '{folder}' has no class sub-folders.");
        IReadOnlyList<string> classes = classNames ?? found;
        var number = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => (long)p.i, StringComparer.Ordinal);
        var list = new List<(string, long)>();
        foreach (var sub in found)
        {
            if (!number.TryGetValue(sub, out var label))
                throw new InvalidDataException($"'{Path.Combine(folder, sub)}' is a class the training folder does not have; its classes: {string.Join(", ", classes.Take(20))}{(classes.Count > 20 ? ", ..." : "")}.");
            var images = Directory.EnumerateFiles(Path.Combine(folder, sub), "*", SearchOption.AllDirectories)
                .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Order(StringComparer.Ordinal);
            foreach (var image in images) list.Add((image, label));
        }
        if (list.Count == 0) throw new InvalidDataException($"Image folder '{folder}' holds no images ({string.Join(", ", Extensions)}) in its class sub-folders.");
        var workerCount = workers ?? Math.Max(1, Environment.ProcessorCount);
        if (workerCount < 0) throw new ArgumentException($"Workers must not be negative, got {workerCount}.");
        if (prefetchBatches < 1) throw new ArgumentException($"The prefetch depth must be at least 1 batch, got {prefetchBatches}.");
        return new ImageFolderDataset(name, classes, [.. list], Enumerable.Range(0, list.Count).ToArray(), transforms,
            skipBadImages, workerCount, prefetchBatches, new ConcurrentDictionary<string, string>(StringComparer.Ordinal));
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The class names, by class number.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The transforms images go through.</summary>
    public ImageTransforms Transforms { get; }

    /// <summary>Whether unreadable images are skipped and counted rather than an error.</summary>
    public bool SkipBadImages { get; }

    /// <summary>Decoding threads (0: decode on the consumer's thread).</summary>
    public int Workers { get; }

    /// <summary>Batches decoded ahead of the consumer.</summary>
    public int PrefetchBatches { get; }

    /// <inheritdoc />
    public int Count => rows.Length;

    /// <inheritdoc />
    public int Channels => 3;

    /// <inheritdoc />
    public int Height => Transforms.Size;

    /// <inheritdoc />
    public int Width => Transforms.Size;

    /// <inheritdoc />
    public int Classes => ClassNames.Count;

    /// <inheritdoc />
    public int SkippedImages => skipped.Count;

    /// <summary>The unreadable files skipped so far (by any set sharing this one's file list), with why.</summary>
    public IReadOnlyDictionary<string, string> SkippedFiles => skipped;

    /// <inheritdoc />
    public long LabelAt(int index) => files[rows[index]].Label;

    /// <summary>The file of image <paramref name="index"/>.</summary>
    public string PathAt(int index) => files[rows[index]].Path;

    /// <summary>This set with other decoding settings (the same images, the same batches).</summary>
    public ImageFolderDataset WithWorkers(int workers, int prefetchBatches) =>
        new(Name, ClassNames, files, rows, Transforms, SkipBadImages, workers, prefetchBatches, skipped);

    /// <inheritdoc />
    public IImageSet Select(IReadOnlyList<int> indices, string? part)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return new ImageFolderDataset(part is null ? Name : $"{Name} ({part})", ClassNames, files, [.. indices.Select(i => rows[i])],
            Transforms, SkipBadImages, Workers, PrefetchBatches, skipped);
    }

    /// <inheritdoc />
    public IEnumerable<HostBatch> TrainingBatches(IReadOnlyList<int> order, int batchSize, long seed, int epoch, CancellationToken cancellationToken = default) =>
        BatchPrefetcher.Run(CifarDataset.Chunks(order, batchSize), Transforms.ImageFloats, LabelAt, (position, buffer, offset) => Read(position, () =>
        {
            var random = SampleRandom.For(seed, epoch, position);
            Transforms.Train(PathAt(position), ref random, buffer, offset);
        }), Workers, PrefetchBatches, cancellationToken);

    /// <inheritdoc />
    public IEnumerable<HostBatch> EvaluationBatches(int batchSize, CancellationToken cancellationToken = default) =>
        BatchPrefetcher.Run(CifarDataset.Chunks(Enumerable.Range(0, Count).ToArray(), batchSize), Transforms.ImageFloats, LabelAt,
            (position, buffer, offset) => Read(position, () => Transforms.Evaluate(PathAt(position), buffer, offset)), Workers, PrefetchBatches, cancellationToken);

    private bool Read(int position, Action transform)
    {
        try
        {
            transform();
            return true;
        }
        catch (UnreadableImageException e) when (SkipBadImages)
        {
            skipped.TryAdd(e.Path, e.Message);
            return false;
        }
        catch (UnreadableImageException e)
        {
            throw new UnreadableImageException(e.Path, e.Reason,
                $"Cannot read image '{e.Path}' (class '{ClassNames[(int)LabelAt(position)]}' of {Name}): {e.Reason}. " +
                "Replace or remove it, or skip unreadable images (--skip-bad-images, training.skip_bad_images).",
                e.InnerException);
        }
    }
}

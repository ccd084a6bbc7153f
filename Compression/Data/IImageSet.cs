namespace FocusedQuantization.Compression.Data;

/// <summary>
/// Labelled images a model trains on or is evaluated on, in memory (<see cref="ImageDataset"/>) or read in batches
/// (<see cref="IBatchSource"/>). Read-only and safe to share between threads.
/// </summary>
public interface IImageSet
{
    /// <summary>A name for messages, e.g. "cifar10:/data/cifar-train (fit)".</summary>
    string Name { get; }

    /// <summary>Number of images.</summary>
    int Count { get; }

    /// <summary>Channels of the images the model receives.</summary>
    int Channels { get; }

    /// <summary>Height of the images the model receives.</summary>
    int Height { get; }

    /// <summary>Width of the images the model receives.</summary>
    int Width { get; }

    /// <summary>Number of classes; labels are 0..Classes-1.</summary>
    int Classes { get; }

    /// <summary>The label of image <paramref name="index"/>.</summary>
    long LabelAt(int index);

    /// <summary>
    /// The images at <paramref name="indices"/> (positions in this set, in that order) as a new set named
    /// "Name (<paramref name="part"/>)" (or Name when <paramref name="part"/> is null).
    /// </summary>
    IImageSet Select(IReadOnlyList<int> indices, string? part);
}

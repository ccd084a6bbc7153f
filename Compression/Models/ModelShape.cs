namespace FocusedQuantization.Compression.Models;

/// <summary>
/// The input and output geometry a model is built for: image channels, height and width, and the number of classes.
/// </summary>
/// <param name="Channels">Input channels; default 1 (grey-scale, as in MNIST and Fashion-MNIST).</param>
/// <param name="Height">Input height in pixels; default 28.</param>
/// <param name="Width">Input width in pixels; default 28.</param>
/// <param name="Classes">Number of output classes (logits); default 10.</param>
public sealed record ModelShape(int Channels = 1, int Height = 28, int Width = 28, int Classes = 10)
{
    /// <summary>The MNIST / Fashion-MNIST geometry: 1 x 28 x 28, 10 classes.</summary>
    public static ModelShape Mnist { get; } = new();

    /// <summary>The CIFAR-10 geometry: 3 x 32 x 32, 10 classes.</summary>
    public static ModelShape Cifar10 { get; } = new(3, 32, 32, 10);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first non-positive dimension.</summary>
    public void Validate()
    {
        if (Channels <= 0) throw new ArgumentException($"Model input channels must be positive, got {Channels}.");
        if (Height <= 0 || Width <= 0) throw new ArgumentException($"Model input size must be positive, got {Height}x{Width}.");
        if (Classes <= 0) throw new ArgumentException($"Model class count must be positive, got {Classes}.");
    }
}

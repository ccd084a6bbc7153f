namespace FocusedQuantization.Compression.Data;

/// <summary>An image file that could not be decoded; <see cref="Path"/> names it.</summary>
public sealed class UnreadableImageException(string path, string message, Exception? inner = null) : IOException(message, inner)
{
    /// <summary>The file that could not be read.</summary>
    public string Path { get; } = path;
}

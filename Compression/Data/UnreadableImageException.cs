namespace FocusedQuantization.Compression.Data;

/// <summary>An image file that could not be decoded; <see cref="Path"/> names it and <see cref="Reason"/> says why.</summary>
public sealed class UnreadableImageException(string path, string reason, string message, Exception? inner = null) : IOException(message, inner)
{
    /// <summary>An image file that could not be decoded, with the message "Cannot read image 'PATH': REASON."</summary>
    public UnreadableImageException(string path, string reason, Exception? inner = null) : this(path, reason, $"Cannot read image '{path}': {reason}.", inner)
    {
    }

    /// <summary>The file that could not be read.</summary>
    public string Path { get; } = path;

    /// <summary>Why, in a few words.</summary>
    public string Reason { get; } = reason;
}

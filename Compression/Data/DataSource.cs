using System.Globalization;

namespace FocusedQuantization.Compression.Data;

/// <summary>
/// A data set as named by the user and stored in checkpoint manifests: a built-in name ("fashion-mnist", "mnist"), or
/// "imagefolder:PATH", "cifar10:PATH", "cifar100:PATH". Options that change which pixels the model sees are part of the
/// name, so that everything keyed by it (checkpoint ids, the data set cache, layer searches) sees the same data:
/// "?size=N" (image folders: the side of the square crop fed to the model; default 224) and "skip-bad" (image folders:
/// unreadable images are skipped and counted instead of stopping the run), joined by '&amp;'. Canonical form: the
/// path made absolute, the size only when it is not the default, e.g. "imagefolder:/data/tiny?size=32&amp;skip-bad".
/// </summary>
public sealed record DataSource
{
    /// <summary>The crop side of image folders when no size is given (ImageNet's 224).</summary>
    public const int DefaultImageFolderSize = 224;

    private DataSource(DataSourceKind kind, string? path, DatasetDescriptor? builtin, int imageSize, bool skipBadImages)
    {
        Kind = kind;
        Path = path;
        Builtin = builtin;
        ImageSize = imageSize;
        SkipBadImages = skipBadImages;
    }

    /// <summary>The kind of source.</summary>
    public DataSourceKind Kind { get; }

    /// <summary>The absolute folder of an image folder or CIFAR source; null for a built-in one.</summary>
    public string? Path { get; }

    /// <summary>The catalog's descriptor of a built-in source; null otherwise.</summary>
    public DatasetDescriptor? Builtin { get; }

    /// <summary>The side of the square images the model receives (28 for the IDX sets, 32 for CIFAR, the crop of image folders).</summary>
    public int ImageSize { get; }

    /// <summary>Whether unreadable images are skipped (and counted) rather than an error (image folders only).</summary>
    public bool SkipBadImages { get; }

    /// <summary>The canonical name: what checkpoint ids, manifests and caches are keyed by.</summary>
    public string Name => Kind switch
    {
        DataSourceKind.Builtin => Builtin!.Name,
        _ => Prefix(Kind) + Path + Query(),
    };

    /// <summary>"CIFAR-10 (/data/cifar)" and the like, for messages.</summary>
    public string DisplayName => Kind switch
    {
        DataSourceKind.Builtin => Builtin!.DisplayName,
        DataSourceKind.ImageFolder => $"image folder {Path}",
        DataSourceKind.Cifar10 => $"CIFAR-10 ({Path})",
        _ => $"CIFAR-100 ({Path})",
    };

    /// <summary>Whether <paramref name="text"/> names a source with a path (imagefolder:, cifar10:, cifar100:).</summary>
    public static bool HasPathPrefix(string text) =>
        text is not null && (Starts(text, "imagefolder:") || Starts(text, "cifar10:") || Starts(text, "cifar100:"));

    /// <summary>
    /// Parses a data set name (see the type's summary); relative paths are made absolute against the current directory.
    /// Throws an <see cref="ArgumentException"/> saying what is accepted.
    /// </summary>
    public static DataSource Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        DataSourceKind kind;
        string rest;
        if (Starts(trimmed, "imagefolder:")) (kind, rest) = (DataSourceKind.ImageFolder, trimmed["imagefolder:".Length..]);
        else if (Starts(trimmed, "cifar100:")) (kind, rest) = (DataSourceKind.Cifar100, trimmed["cifar100:".Length..]);
        else if (Starts(trimmed, "cifar10:")) (kind, rest) = (DataSourceKind.Cifar10, trimmed["cifar10:".Length..]);
        else
        {
            try
            {
                return new DataSource(DataSourceKind.Builtin, null, DatasetCatalog.Describe(trimmed), 28, false);
            }
            catch (ArgumentException)
            {
                throw new ArgumentException(
                    $"Unknown data set '{text}'. Valid data sets: {string.Join(", ", DatasetCatalog.Names)}, imagefolder:PATH, cifar10:PATH, cifar100:PATH.");
            }
        }
        var (path, size, skip) = SplitOptions(rest, text);
        if (path.Length == 0) throw new ArgumentException($"'{text}' names no folder: write {Prefix(kind)}PATH.");
        if (kind != DataSourceKind.ImageFolder)
        {
            if (size is { } s && s != 32) throw new ArgumentException($"CIFAR images are 32x32; an image size of {s} applies to image folders only ('{text}').");
            if (skip) throw new ArgumentException($"skip-bad applies to image folders only; CIFAR files have no separate images to skip ('{text}').");
        }
        var imageSize = size ?? (kind == DataSourceKind.ImageFolder ? DefaultImageFolderSize : 32);
        // The shell leaves "~" after "cifar10:" alone; expanded here as a user means it.
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
            path = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.TrimStart('~').TrimStart('/'));
        return new DataSource(kind, System.IO.Path.GetFullPath(path), null, imageSize, skip);
    }

    /// <summary>
    /// This source with an image size and the skip setting applied (null: keep). Built-in and CIFAR sources accept only
    /// their own size and no skipping; an <see cref="ArgumentException"/> says so.
    /// </summary>
    public DataSource With(int? imageSize, bool? skipBadImages)
    {
        if (imageSize is { } size && size != ImageSize && Kind != DataSourceKind.ImageFolder)
            throw new ArgumentException($"{DisplayName} has {ImageSize}x{ImageSize} images; an image size of {size} applies to image folders only.");
        if (skipBadImages == true && Kind != DataSourceKind.ImageFolder)
            throw new ArgumentException($"Skipping unreadable images applies to image folders only, not to {DisplayName}.");
        if (imageSize is < 8 or > 4096) throw new ArgumentException($"The image size must be between 8 and 4096 pixels, got {imageSize}.");
        return new DataSource(Kind, Path, Builtin, imageSize ?? ImageSize, skipBadImages ?? SkipBadImages);
    }

    /// <summary>For image folders, the shorter side images are resized to before the evaluation's centre crop: 256/224 of the crop (256 for 224).</summary>
    public int ResizeSize => (int)Math.Round(ImageSize * 256.0 / 224.0, MidpointRounding.AwayFromZero);

    /// <summary>The canonical name.</summary>
    public override string ToString() => Name;

    private string Query()
    {
        var parts = new List<string>();
        if (Kind == DataSourceKind.ImageFolder && ImageSize != DefaultImageFolderSize) parts.Add("size=" + ImageSize.ToString(CultureInfo.InvariantCulture));
        if (SkipBadImages) parts.Add("skip-bad");
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    private static (string Path, int? Size, bool Skip) SplitOptions(string rest, string text)
    {
        // Options follow the last '?' (a folder whose name holds a '?' can still be named: end the name with '?')
        var mark = rest.LastIndexOf('?');
        if (mark < 0) return (rest, null, false);
        int? size = null;
        var skip = false;
        foreach (var part in rest[(mark + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var option = part.Trim().ToLowerInvariant();
            if (option is "skip-bad" or "skip-bad-images") skip = true;
            else if (option.StartsWith("size=", StringComparison.Ordinal) || option.StartsWith("image-size=", StringComparison.Ordinal))
            {
                var value = option[(option.IndexOf('=') + 1)..];
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 8 or > 4096)
                    throw new ArgumentException($"The image size in '{text}' must be a whole number of pixels between 8 and 4096, got '{value}'.");
                size = n;
            }
            else throw new ArgumentException($"Unknown data set option '{part}' in '{text}'; options: size=N, skip-bad.");
        }
        return (rest[..mark], size, skip);
    }

    private static string Prefix(DataSourceKind kind) => kind switch
    {
        DataSourceKind.ImageFolder => "imagefolder:",
        DataSourceKind.Cifar10 => "cifar10:",
        DataSourceKind.Cifar100 => "cifar100:",
        _ => "",
    };

    private static bool Starts(string text, string prefix) => text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
}

namespace FocusedQuantization.Compression.Data;

/// <summary>Where <see cref="DatasetCatalog"/> looks for data sets and whether it may download them.</summary>
public sealed record DatasetCatalogOptions
{
    /// <summary>A directory searched first for the four IDX files (raw or .gz); default null (not searched).</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Whether the system package's directory (e.g. /usr/share/datasets/fashion-mnist) is searched; default true.</summary>
    public bool SearchSystemDirectory { get; init; } = true;

    /// <summary>
    /// Root of the download cache; each data set lives in a sub-folder named after it. Default null, meaning
    /// ~/.cache/fq/datasets.
    /// </summary>
    public string? CacheRoot { get; init; }

    /// <summary>
    /// Whether a data set found nowhere is downloaded into the cache; default false, so that nothing reaches the
    /// network unless asked to.
    /// </summary>
    public bool AllowDownload { get; init; }

    /// <summary>Whether files found on disk are checked against their SHA-256 when loaded; default true (downloads are always checked).</summary>
    public bool VerifyChecksums { get; init; } = true;

    /// <summary>The cache root in effect: <see cref="CacheRoot"/> or ~/.cache/fq/datasets.</summary>
    public string EffectiveCacheRoot => CacheRoot ?? Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "fq", "datasets");
}

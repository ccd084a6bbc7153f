using FocusedQuantization.Compression.Data;

namespace FocusedQuantization.Compression.Stages;

/// <summary>
/// One split of a data set, optionally only its first <paramref name="Limit"/> images, looked for first in
/// <paramref name="DataDirectory"/> (null: the usual places). <paramref name="AllowDownload"/> (default false) lets a
/// data set found nowhere be downloaded; it does not change what is loaded, so it is not part of the cache key.
/// </summary>
public sealed record DatasetRequest(string Dataset, DatasetSplit Split, int? Limit = null, string? DataDirectory = null, bool AllowDownload = false);

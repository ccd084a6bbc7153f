using System.Collections.Concurrent;
using FocusedQuantization.Compression.Data;

namespace FocusedQuantization.Compression.Stages;

/// <summary>
/// Loads each data set split once per cache and hands every caller the same <see cref="IImageSet"/>, which callers
/// must treat as read-only. Thread-safe: concurrent requests for the same split wait for one load. A load that fails is
/// forgotten, so a later request tries again. There is no process-wide instance: a silo's host registers one singleton
/// (<c>AddFqGrains</c>) that its stage runner passes to the stages, and <c>fq compress</c> makes one for its run, so
/// every stage of one host shares one copy of each split while two silos hosted in one process (tests) keep their own.
/// </summary>
public sealed class DatasetCache
{
    private readonly ConcurrentDictionary<string, Lazy<IImageSet>> _loaded = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<(IImageSet Fit, IImageSet Validation)>> _carved = new(StringComparer.Ordinal);

    /// <summary>How many loads (whole splits and subsets) this cache has made; a repeated request adds none.</summary>
    public int Loads => _loads;

    private int _loads;

    /// <summary>The data set <paramref name="request"/> names, loading it on first use.</summary>
    public IImageSet Get(DatasetRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var source = DataSource.Parse(request.Dataset);
        if (request.Limit is < 1) throw new ArgumentException($"A data set limit must be at least 1, got {request.Limit}.");
        var directory = request.DataDirectory is null ? "" : Path.GetFullPath(request.DataDirectory);
        var file = request.Split == DatasetSplit.Test ? DatasetSplit.Test : DatasetSplit.Train;
        var splitKey = $"{source.Name}|{file}|{directory}";
        var whole = GetOrLoad(splitKey, () => LoadSplit(source, request with { Split = file }));
        var limited = request.Limit is not { } limit || limit >= whole.Count
            ? whole
            : GetOrLoad($"{splitKey}|first {limit}", () => DatasetSubset.First(limit).Apply(whole));
        if (request.Validation is not { } validation) return limited;
        var carvedKey = $"{splitKey}|first {request.Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all"}|validation {validation}";
        // One carve per key, kept whole: the fit part and the held-out part always come from the same carve.
        var carve = _carved.GetOrAdd(carvedKey, _ => new Lazy<(IImageSet Fit, IImageSet Validation)>(
            () => validation.Carve(limited), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
        return request.Split == DatasetSplit.Validation ? carve.Validation : carve.Fit;
    }

    private IImageSet GetOrLoad(string key, Func<IImageSet> load)
    {
        var lazy = _loaded.GetOrAdd(key, _ => new Lazy<IImageSet>(() =>
        {
            Interlocked.Increment(ref _loads);
            return load();
        }, LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _loaded.TryRemove(new KeyValuePair<string, Lazy<IImageSet>>(key, lazy));
            throw;
        }
    }

    private static IImageSet LoadSplit(DataSource source, DatasetRequest request) =>
        DataSourceLoader.Load(source, request.Split, new DatasetCatalogOptions { DataDirectory = request.DataDirectory, AllowDownload = request.AllowDownload });
}

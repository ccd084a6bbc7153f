using System.Collections.Concurrent;
using System.Security.Cryptography;
using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.Stages;
using FocusedQuantization.Grains.Execution;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FocusedQuantization.Grains.Artifacts;

/// <summary>
/// The artifacts this silo holds on its own disk: the checkpoints of its store (FQ_HOME/checkpoints) and the data sets
/// it can read (the sweep's data directory, the machine's places, FQ_HOME/datasets). Lists an artifact's files with
/// their SHA-256, computed once per file version (path, length, write time).
/// </summary>
public sealed class LocalArtifacts
{
    private readonly ArtifactOptions _options;
    private readonly ConcurrentDictionary<string, string> _datasetDirectories = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (long Length, DateTime Written, string Sha256)> _hashes = new(StringComparer.Ordinal);

    public LocalArtifacts(IOptions<FqGrainsOptions> grains, IOptions<ArtifactOptions> options, ILogger<LocalArtifacts> logger)
    {
        _options = options.Value;
        Store = new CheckpointStore(grains.Value.CheckpointFolder, warning => logger.LogWarning("{Warning}", warning));
        DatasetFolder = Path.GetFullPath(_options.DatasetFolder ?? Path.Combine(Path.GetFullPath(grains.Value.Home), "datasets"));
    }

    /// <summary>This silo's checkpoint store.</summary>
    public CheckpointStore Store { get; }

    /// <summary>Where data sets fetched from other silos go, one folder per data set.</summary>
    public string DatasetFolder { get; }

    /// <summary>
    /// Whether checkpoint <paramref name="id"/> is here: its manifest, and every file the manifest records at the size it
    /// records (the stages check the hashes when they load it, and set a damaged one aside).
    /// </summary>
    public bool HasCheckpoint(string id)
    {
        if (!Store.Exists(StageNames.Manifest(id))) return false;
        try
        {
            var manifest = StageCheckpoint.ReadManifest(Store, id);
            return manifest.Id == id && (manifest.Files ?? []).All(f => Store.Exists(f.Name) && new FileInfo(Store.PathOf(f.Name)).Length == f.Bytes);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>
    /// Deletes paused checkpoint <paramref name="id"/> from this silo's store (<see cref="TrialStage.DeletePaused"/>: no
    /// other kind) and forgets the hashes of its files; true when it was here.
    /// </summary>
    public bool DeletePaused(string id)
    {
        var had = TrialStage.DeletePaused(Store, id);
        foreach (var path in _hashes.Keys.Where(p => Path.GetFileName(p).StartsWith(id + ".", StringComparison.Ordinal)).ToArray()) _hashes.TryRemove(path, out _);
        return had;
    }

    /// <summary>
    /// Where this silo finds <paramref name="dataset"/>, and whether the stages' own search (the sweep's
    /// <paramref name="dataDirectory"/>, then the machine's places) finds it there too: null when it is nowhere here.
    /// </summary>
    public (string Directory, bool FoundByDefault)? FindDataset(DatasetDescriptor dataset, string? dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var machine = new DatasetCatalog(new DatasetCatalogOptions { DataDirectory = dataDirectory, SearchSystemDirectory = _options.SearchMachineDatasets });
        var places = new List<(string, bool)>();
        if (dataDirectory is not null) places.Add((dataDirectory, true));
        if (_options.SearchMachineDatasets) places.AddRange(machine.SearchDirectories(dataset).Where(d => d != dataDirectory).Select(d => (d, true)));
        places.Add((Path.Combine(DatasetFolder, dataset.Name), false));
        foreach (var (directory, byDefault) in places)
        {
            if (!dataset.Files.All(f => DatasetCatalog.FilePath(directory, f) is not null)) continue;
            _datasetDirectories[dataset.Name] = Path.GetFullPath(directory);
            return (Path.GetFullPath(directory), byDefault);
        }
        return null;
    }

    /// <summary>The files of <paramref name="artifact"/> here with their full paths, or null when this silo does not hold it whole.</summary>
    public IReadOnlyList<(string Path, ArtifactFile File)>? Files(string artifact)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        if (ArtifactNames.CheckpointId(artifact) is { } id)
        {
            if (!HasCheckpoint(id)) return null;
            // "ID.*" is the checkpoint's files (state, masks, manifest, stored evaluations); temporary files start with a dot.
            return Directory.GetFiles(Store.Root, $"{id}.*")
                .Where(p => !Path.GetFileName(p).StartsWith('.'))
                .Order(StringComparer.Ordinal)
                .Select(p => (p, Describe(p)))
                .ToArray();
        }
        if (ArtifactNames.DatasetOf(artifact) is { } dataset)
        {
            var directory = _datasetDirectories.TryGetValue(dataset.Name, out var known) && dataset.Files.All(f => DatasetCatalog.FilePath(known, f) is not null)
                ? known
                : FindDataset(dataset, null)?.Directory;
            if (directory is null) return null;
            return dataset.Files.Select(f => DatasetCatalog.FilePath(directory, f)!).Select(p => (p, Describe(p))).ToArray();
        }
        return null;
    }

    /// <summary>The full path of the file of <paramref name="artifact"/> whose content has SHA-256 <paramref name="sha256"/>, or null.</summary>
    public string? PathOf(string artifact, string sha256) =>
        Files(artifact)?.FirstOrDefault(f => string.Equals(f.File.Sha256, sha256, StringComparison.OrdinalIgnoreCase)).Path;

    private ArtifactFile Describe(string path)
    {
        var info = new FileInfo(path);
        var (length, written) = (info.Length, info.LastWriteTimeUtc);
        if (!_hashes.TryGetValue(path, out var known) || known.Length != length || known.Written != written)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            known = (length, written, Convert.ToHexStringLower(SHA256.HashData(stream)));
            _hashes[path] = known;
        }
        return new ArtifactFile(Path.GetFileName(path), length, known.Sha256);
    }
}

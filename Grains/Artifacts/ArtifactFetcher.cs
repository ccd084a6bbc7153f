using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.IO;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Stages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FocusedQuantization.Grains.Artifacts;

/// <summary>What one fetch did: the silo the artifact came from, and the holders refused or unreachable before it.</summary>
/// <param name="Artifact">The artifact fetched.</param>
/// <param name="Source">The silo whose copy was taken; null when no silo could give it.</param>
/// <param name="Files">Files written (files already here whole are not fetched again).</param>
/// <param name="Chunks">Read calls made.</param>
/// <param name="Bytes">Bytes received.</param>
/// <param name="Failures">Each holder tried without success, with the reason.</param>
public sealed record FetchReport(string Artifact, string? Source, int Files, int Chunks, long Bytes, IReadOnlyList<string> Failures)
{
    /// <summary>The exceptions behind <see cref="Failures"/>, last one last.</summary>
    internal IReadOnlyList<Exception> Errors { get; init; } = [];
}

/// <summary>An artifact a stage needs is on no silo that could give a sound copy.</summary>
public sealed class ArtifactUnavailableException(string message, Exception? inner) : IOException(message, inner);

/// <summary>
/// Makes artifacts local to this silo: finds the holders (<see cref="IArtifactDirectoryGrain"/>, then every other active
/// silo), streams each file in chunks from a holder's <see cref="IArtifactServer"/>, checks it against its SHA-256, writes
/// it atomically (the manifest of a checkpoint last), and registers this silo as a holder. A holder that is gone or whose
/// copy is refused is dropped from the directory and the next one is tried. Concurrent requests for one artifact on this
/// silo make one fetch.
/// </summary>
public sealed class ArtifactFetcher(
    LocalArtifacts local,
    IGrainFactory grains,
    IArtifactServerClient servers,
    ILocalSiloDetails silo,
    IClusterMembershipService membership,
    IOptions<ArtifactOptions> options,
    ILogger<ArtifactFetcher> logger)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _registered = new(StringComparer.Ordinal);
    private long _chunks;
    private long _bytes;
    private long _fetches;

    private string Self => silo.SiloAddress.ToParsableString();

    /// <summary>Artifacts this silo has fetched from others since it started.</summary>
    public long Fetches => Interlocked.Read(ref _fetches);

    /// <summary>Read calls this silo has made to others since it started.</summary>
    public long Chunks => Interlocked.Read(ref _chunks);

    /// <summary>Bytes this silo has received from others since it started.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>
    /// Makes checkpoint <paramref name="id"/> local when some silo holds it: true when it is here (already, or fetched).
    /// False when no silo could give it, so that the caller makes it; with <paramref name="required"/>, an
    /// <see cref="ArtifactUnavailableException"/> naming it instead (its inner exception is the last holder's failure,
    /// a silo loss when the holders died).
    /// </summary>
    public async Task<bool> EnsureCheckpointAsync(string id, bool required, CancellationToken cancellationToken)
    {
        var artifact = ArtifactNames.Checkpoint(id);
        if (local.HasCheckpoint(id))
        {
            await RegisterAsync(artifact);
            return true;
        }
        var report = await FetchOnceAsync(artifact, () => local.HasCheckpoint(id), cancellationToken);
        if (report is null || report.Source is not null) return true;
        if (required) throw Unavailable(report, $"checkpoint '{id}' is needed on silo {Self}");
        if (report.Failures.Count > 0)
            logger.LogWarning("Checkpoint {Id} could not be fetched ({Failures}); this silo makes it again", id, string.Join("; ", report.Failures));
        return false;
    }

    /// <summary>Registers this silo as a holder of checkpoint <paramref name="id"/> when it has it whole (a stage just made or found it).</summary>
    public Task RegisterCheckpointAsync(string id) =>
        local.HasCheckpoint(id) ? RegisterAsync(ArtifactNames.Checkpoint(id)) : Task.CompletedTask;

    /// <summary>
    /// Deletes paused checkpoint <paramref name="id"/> on every live silo and forgets its holders: for a checkpoint nothing
    /// will resume from. Every live silo is asked, not only the registered holders: a copy may be unregistered (its
    /// registration was lost) or in a folder several silos share. A silo that is down keeps its copy (it is never read
    /// again). Throws when a live silo could not be told, so that the caller tries again later; returns the silos that
    /// had a copy.
    /// </summary>
    public async Task<int> DiscardPausedAsync(string id, CancellationToken cancellationToken)
    {
        var artifact = ArtifactNames.Checkpoint(id);
        var active = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress.ToParsableString()).Order(StringComparer.Ordinal).ToArray();
        var answers = await Task.WhenAll(active.Select(async holder =>
        {
            try
            {
                var had = holder == Self
                    ? await Task.Run(() => local.DeletePaused(id), cancellationToken)
                    : await servers.On(SiloAddress.FromParsableString(holder)).DiscardPaused(artifact).WaitAsync(cancellationToken);
                return (Had: had, Error: (Exception?)null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return (Had: false, Error: ex);
            }
        }));
        Forget(artifact);
        var directory = grains.GetGrain<IArtifactDirectoryGrain>(artifact);
        foreach (var holder in await directory.GetHolders()) await directory.Remove(holder);
        if (answers.Where(a => a.Error is not null).Select(a => a.Error!).ToArray() is { Length: > 0 } errors)
            throw new AggregateException($"{artifact} could not be deleted on every live silo", errors);
        logger.LogInformation("Deleted paused checkpoint {Id} from {Silos} silos", id, answers.Count(a => a.Had));
        return answers.Count(a => a.Had);
    }

    /// <summary>Forgets that this silo registered <paramref name="artifact"/> (its copy was deleted): a new copy registers again.</summary>
    public void Forget(string artifact) => _registered.TryRemove(artifact, out _);

    /// <summary>
    /// The data directory a stage on this silo should use for <paramref name="dataset"/>: <paramref name="dataDirectory"/>
    /// itself when this silo finds the data set where the stages look anyway (that folder, the system package, the
    /// download cache), else this silo's own copy in FQ_HOME/datasets, fetched from another silo first when needed.
    /// <see cref="ArtifactUnavailableException"/> when no silo has it. A data set given by path is not moved: every silo
    /// reads it at that path.
    /// </summary>
    public async Task<string?> ResolveDataDirectoryAsync(string dataset, string? dataDirectory, CancellationToken cancellationToken)
    {
        // A data set given by path (imagefolder:, cifar10:, cifar100:) is read where it names, on every silo: not moved.
        if (DataSource.HasPathPrefix(dataset)) return dataDirectory;
        var descriptor = DatasetCatalog.Describe(dataset);
        var artifact = ArtifactNames.Dataset(descriptor.Name);
        if (local.FindDataset(descriptor, dataDirectory) is not { } found)
        {
            var report = await FetchOnceAsync(artifact, () => local.FindDataset(descriptor, dataDirectory) is not null, cancellationToken);
            if (report is { Source: null })
                throw Unavailable(report, $"{descriptor.DisplayName} is needed on silo {Self}, which has it neither in {dataDirectory ?? "a data directory"} nor in {local.DatasetFolder}" +
                    (descriptor.SystemPackage is { } package ? $" nor from the package {package}" : "") +
                    $"; install it (or put its four IDX files in {Path.Combine(local.DatasetFolder, descriptor.Name)}) on at least one silo");
            found = local.FindDataset(descriptor, dataDirectory) ?? throw new InvalidOperationException($"{artifact} was fetched but is not found in {local.DatasetFolder}.");
        }
        await RegisterAsync(artifact);
        return found.FoundByDefault ? dataDirectory : found.Directory;
    }

    /// <summary>
    /// Fetches <paramref name="artifact"/> from the first holder that gives a sound copy, whether or not it is here already.
    /// The report says where it came from and which holders failed; <see cref="FetchReport.Source"/> is null when none could give it.
    /// </summary>
    public Task<FetchReport> FetchAsync(string artifact, CancellationToken cancellationToken = default) =>
        // Off the Orleans scheduler: hashing and writing tens of megabytes is not a grain turn's work.
        Task.Run(() => FetchFromHoldersAsync(artifact, cancellationToken), cancellationToken);

    /// <summary>One fetch at a time per artifact on this silo; null when, once its turn came, <paramref name="isHere"/> already held.</summary>
    private async Task<FetchReport?> FetchOnceAsync(string artifact, Func<bool> isHere, CancellationToken cancellationToken)
    {
        var gate = _gates.GetOrAdd(artifact, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (isHere()) return null;
            return await FetchAsync(artifact, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<FetchReport> FetchFromHoldersAsync(string artifact, CancellationToken cancellationToken)
    {
        var directory = grains.GetGrain<IArtifactDirectoryGrain>(artifact);
        var failures = new List<string>();
        var errors = new List<Exception>();
        var tried = new HashSet<string>(StringComparer.Ordinal) { Self };
        var registered = await directory.GetHolders();
        var active = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress.ToParsableString()).ToHashSet(StringComparer.Ordinal);
        // The registered holders first, in the order they registered; then every other live silo, which may hold it
        // without the directory knowing (it restarted, or the directory's record was lost).
        foreach (var (holder, listed) in registered.Select(h => (h, true)).Concat(active.Order(StringComparer.Ordinal).Select(h => (h, false))))
        {
            if (!tried.Add(holder)) continue;
            cancellationToken.ThrowIfCancellationRequested();
            if (!active.Contains(holder))
            {
                var gone = new SiloUnavailableException($"silo {holder}, a holder of {artifact}, is no longer an active member of the cluster");
                failures.Add(gone.Message);
                errors.Add(gone);
                await ForgetAsync(directory, holder);
                continue;
            }
            var counts = new Counts();
            try
            {
                var server = servers.On(SiloAddress.FromParsableString(holder));
                if (await server.List(artifact) is not { } files)
                {
                    if (listed)
                    {
                        failures.Add($"silo {holder} no longer holds {artifact}");
                        await ForgetAsync(directory, holder);
                    }
                    continue;
                }
                await CopyAsync(artifact, holder, server, files, counts, cancellationToken);
                Interlocked.Increment(ref _fetches);
                logger.LogInformation("Fetched {Artifact} from silo {Holder}: {Files} files, {Bytes:N0} bytes in {Chunks} chunks",
                    artifact, holder, counts.Files, counts.Bytes, counts.Chunks);
                _registered.TryRemove(artifact, out _);
                await RegisterAsync(artifact);
                return new FetchReport(artifact, holder, counts.Files, counts.Chunks, counts.Bytes, failures) { Errors = errors };
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                // Gone mid-transfer, or its copy is not the one the hashes name: either way, the next holder is asked.
                logger.LogWarning("Fetching {Artifact} from silo {Holder} failed: {Reason}", artifact, holder, ex.Message);
                failures.Add($"silo {holder}: {ex.Message}");
                errors.Add(ex);
                await ForgetAsync(directory, holder);
            }
        }
        return new FetchReport(artifact, null, 0, 0, 0, failures) { Errors = errors };
    }

    private async Task CopyAsync(string artifact, string holder, IArtifactServer server, IReadOnlyList<ArtifactFile> files, Counts counts, CancellationToken cancellationToken)
    {
        if (ArtifactNames.CheckpointId(artifact) is { } id)
        {
            await CopyCheckpointAsync(id, holder, server, files, counts, cancellationToken);
            return;
        }
        var dataset = ArtifactNames.DatasetOf(artifact) ?? throw new ArgumentException($"'{artifact}' names no artifact kind this silo knows.");
        var folder = Path.Combine(local.DatasetFolder, dataset.Name);
        foreach (var expected in dataset.Files)
        {
            // Raw or gzipped, as the holder keeps it; a raw file must be the one the catalog knows, byte for byte.
            var file = files.FirstOrDefault(f => f.Name == expected.Name || f.Name == expected.Name + ".gz")
                ?? throw new InvalidDataException($"silo {holder} lists no {expected.Name}[.gz] for {artifact}");
            var known = file.Name == expected.Name ? expected.Sha256 : expected.GzipSha256;
            if (known is not null && !string.Equals(known, file.Sha256, StringComparison.OrdinalIgnoreCase))
                throw new InvalidDataException($"silo {holder}'s {file.Name} has SHA-256 {file.Sha256}, not the {dataset.DisplayName} file's {known}; refused");
            await CopyFileAsync(artifact, holder, server, file, Path.Combine(folder, file.Name), counts, cancellationToken);
        }
    }

    private async Task CopyCheckpointAsync(string id, string holder, IArtifactServer server, IReadOnlyList<ArtifactFile> files, Counts counts, CancellationToken cancellationToken)
    {
        var artifact = ArtifactNames.Checkpoint(id);
        var store = local.Store;
        var manifestName = StageNames.Manifest(id);
        var manifestFile = files.FirstOrDefault(f => f.Name == manifestName)
            ?? throw new InvalidDataException($"silo {holder} lists no manifest for {artifact}");
        var manifestBytes = await ReadAllAsync(artifact, holder, server, manifestFile, counts, cancellationToken);
        CheckpointManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<CheckpointManifest>(manifestBytes, ReportJson.Options)
                ?? throw new InvalidDataException($"the manifest of {artifact} on silo {holder} is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"the manifest of {artifact} on silo {holder} is not valid JSON: {e.Message}", e);
        }
        if (manifest.Id != id) throw new InvalidDataException($"the manifest of {artifact} on silo {holder} names checkpoint '{manifest.Id}'");
        // The manifest records the hash of the state and masks: the holder's copies must be those very contents.
        foreach (var recorded in manifest.Files ?? [])
        {
            var listed = files.FirstOrDefault(f => f.Name == recorded.Name)
                ?? throw new InvalidDataException($"silo {holder} lists no {recorded.Name}, which the manifest of {artifact} records");
            if (listed.Bytes != recorded.Bytes || !string.Equals(listed.Sha256, recorded.Sha256, StringComparison.OrdinalIgnoreCase))
                throw new InvalidDataException($"silo {holder}'s {recorded.Name} ({listed.Bytes:N0} bytes, SHA-256 {listed.Sha256}) is not the one the manifest records ({recorded.Bytes:N0} bytes, {recorded.Sha256}); refused");
        }
        foreach (var file in files.Where(f => f.Name != manifestName))
        {
            if (!file.Name.StartsWith(id + ".", StringComparison.Ordinal))
                throw new InvalidDataException($"silo {holder} lists '{file.Name}' as a file of {artifact}");
            await CopyFileAsync(artifact, holder, server, file, store.PathOf(file.Name), counts, cancellationToken);
        }
        // Last, as a stage writes it: its presence means the checkpoint is complete.
        AtomicFile.Write(store.PathOf(manifestName), stream => stream.Write(manifestBytes));
        counts.Files++;
    }

    /// <summary>A small file (a manifest) read into memory, chunk by chunk, and checked against its hash.</summary>
    private async Task<byte[]> ReadAllAsync(string artifact, string holder, IArtifactServer server, ArtifactFile file, Counts counts, CancellationToken cancellationToken)
    {
        if (file.Bytes > 64 << 20) throw new InvalidDataException($"silo {holder} lists {file.Name} of {artifact} at {file.Bytes:N0} bytes");
        using var memory = new MemoryStream((int)file.Bytes);
        await ReceiveAsync(artifact, holder, server, file, memory, counts, cancellationToken);
        return memory.ToArray();
    }

    /// <summary>Writes <paramref name="file"/> to <paramref name="path"/> through a temporary file renamed once its hash is checked.</summary>
    private async Task CopyFileAsync(string artifact, string holder, IArtifactServer server, ArtifactFile file, string path, Counts counts, CancellationToken cancellationToken)
    {
        if (File.Exists(path) && new FileInfo(path).Length == file.Bytes && HashOf(path) == file.Sha256.ToLowerInvariant()) return;
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await ReceiveAsync(artifact, holder, server, file, stream, counts, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
            counts.Files++;
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Streams <paramref name="file"/> into <paramref name="target"/> chunk by chunk, hashing as it goes; refuses a copy whose hash differs.</summary>
    private async Task ReceiveAsync(string artifact, string holder, IArtifactServer server, ArtifactFile file, Stream target, Counts counts, CancellationToken cancellationToken)
    {
        var chunk = Math.Clamp(options.Value.ChunkBytes, 1, ArtifactOptions.MaxChunkBytes);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (long offset = 0; offset < file.Bytes;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var asked = (int)Math.Min(chunk, file.Bytes - offset);
            var bytes = await server.Read(artifact, file.Sha256, offset, asked);
            counts.Chunks++;
            Interlocked.Increment(ref _chunks);
            Interlocked.Add(ref _bytes, bytes.Length);
            if (bytes.Length == 0 || bytes.Length > asked)
                throw new InvalidDataException($"silo {holder} returned {bytes.Length:N0} bytes of {file.Name} at offset {offset:N0} where {asked:N0} were asked");
            hash.AppendData(bytes);
            await target.WriteAsync(bytes, cancellationToken);
            offset += bytes.Length;
            counts.Bytes += bytes.Length;
        }
        var received = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (!string.Equals(received, file.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{file.Name} of {artifact} from silo {holder} has SHA-256 {received}, not {file.Sha256}; refused");
    }

    private async Task RegisterAsync(string artifact)
    {
        if (!_registered.TryAdd(artifact, true)) return;
        try
        {
            await grains.GetGrain<IArtifactDirectoryGrain>(artifact).Register(Self);
        }
        catch (Exception ex)
        {
            // Only a hint is lost: a silo that finds no holder in the directory asks every silo.
            _registered.TryRemove(artifact, out _);
            logger.LogWarning(ex, "Could not register this silo as a holder of {Artifact}", artifact);
        }
    }

    private async Task ForgetAsync(IArtifactDirectoryGrain directory, string holder)
    {
        try
        {
            await directory.Remove(holder);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not drop silo {Holder} from the holders of {Artifact}", holder, directory.GetPrimaryKeyString());
        }
    }

    private static ArtifactUnavailableException Unavailable(FetchReport report, string need)
    {
        var why = report.Failures.Count == 0 ? "no silo of the cluster holds it" : $"no silo could give a sound copy ({string.Join("; ", report.Failures)})";
        return new ArtifactUnavailableException($"{report.Artifact} is unavailable: {need}, and {why}.", report.Errors.LastOrDefault());
    }

    private static string HashOf(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private sealed class Counts
    {
        public int Files;
        public int Chunks;
        public long Bytes;
    }
}

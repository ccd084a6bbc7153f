using Microsoft.Extensions.Logging;
using Orleans.Runtime.Services;

namespace FocusedQuantization.Grains.Artifacts;

/// <summary>
/// Serves this silo's artifacts to the others: one instance per silo, started and stopped with it (a GrainService, so
/// a call addressed to a silo runs on that silo, where the files are). Hashing and disk reads leave the silo's scheduler.
/// </summary>
public sealed class ArtifactServer(GrainId grainId, Orleans.Runtime.Silo silo, ILoggerFactory loggerFactory, LocalArtifacts local, ArtifactFetcher fetcher)
    : GrainService(grainId, silo, loggerFactory), IArtifactServer
{
    public Task<IReadOnlyList<ArtifactFile>?> List(string artifact) =>
        Task.Run(() => local.Files(artifact) is { } files ? (IReadOnlyList<ArtifactFile>)files.Select(f => f.File).ToArray() : null);

    public Task<byte[]> Read(string artifact, string sha256, long offset, int count) => Task.Run(async () =>
    {
        var path = local.PathOf(artifact, sha256)
            ?? throw new FileNotFoundException($"This silo holds no file of {artifact} with SHA-256 {sha256}.");
        using var handle = File.OpenHandle(path);
        var length = RandomAccess.GetLength(handle);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, length);
        var buffer = new byte[Math.Min(Math.Clamp(count, 0, ArtifactOptions.MaxChunkBytes), length - offset)];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(read), offset + read);
            if (n == 0) break;
            read += n;
        }
        return read == buffer.Length ? buffer : buffer[..read];
    });

    public Task<bool> DiscardPaused(string artifact) => Task.Run(() =>
    {
        var id = ArtifactNames.CheckpointId(artifact) ?? throw new ArgumentException($"'{artifact}' is not a checkpoint.", nameof(artifact));
        var had = local.DeletePaused(id);
        fetcher.Forget(artifact);
        return had;
    });
}

/// <summary>Addresses the <see cref="ArtifactServer"/> of a chosen silo.</summary>
public sealed class ArtifactServerClient(IServiceProvider services) : GrainServiceClient<IArtifactServer>(services), IArtifactServerClient
{
    public IArtifactServer On(SiloAddress silo) => GetGrainService(silo);
}

using System.Security.Cryptography;
using System.Text.Json;
using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Stages;
using FocusedQuantization.Grains.Artifacts;
using Orleans.TestingHost;

namespace FocusedQuantization.Grains.Tests.Artifacts;

[Collection(ArtifactClusterCollection.Name)]
public sealed class ArtifactTransferTests(ArtifactClusterFixture fixture)
{
    private const int Chunk = 64 << 10;

    private InProcessSiloHandle Silo(int i) => fixture.Cluster.Silos.OrderBy(s => s.Name, StringComparer.Ordinal).ElementAt(i);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_checkpoint_written_on_one_silo_is_fetched_by_another_in_chunks_verified_and_registered()
    {
        var (a, b) = (Silo(0), Silo(1));
        Assert.NotEqual(fixture.HomeOf(a), fixture.HomeOf(b));
        var id = NewId();
        var written = WriteCheckpoint(a, id, stateBytes: 5 * Chunk + 123);
        await SeparateHomesCluster.Fetcher(a).RegisterCheckpointAsync(id);
        Assert.False(SeparateHomesCluster.Local(b).HasCheckpoint(id));

        var report = await SeparateHomesCluster.Fetcher(b).FetchAsync(ArtifactNames.Checkpoint(id), Token);

        Assert.Equal(a.SiloAddress.ToParsableString(), report.Source);
        Assert.Empty(report.Failures);
        // State (6 chunks), masks, evaluation and manifest (one each): never a file in one message when it is larger.
        Assert.Equal(4, report.Files);
        Assert.Equal(6 + 3, report.Chunks);
        var store = SeparateHomesCluster.Local(b).Store;
        foreach (var (name, bytes) in written) Assert.Equal(bytes, File.ReadAllBytes(store.PathOf(name)));
        Assert.True(SeparateHomesCluster.Local(b).HasCheckpoint(id));
        Assert.All(StageCheckpoint.ReadManifest(store, id).Files!, f => Assert.Null(store.Mismatch(f)));
        Assert.Empty(Directory.GetFiles(store.Root, ".*"));
        var holders = await fixture.Cluster.Client.GetGrain<IArtifactDirectoryGrain>(ArtifactNames.Checkpoint(id)).GetHolders();
        Assert.Equal([a.SiloAddress.ToParsableString(), b.SiloAddress.ToParsableString()], holders);

        // Local now: asking again moves nothing.
        var chunks = SeparateHomesCluster.Fetcher(b).Chunks;
        Assert.True(await SeparateHomesCluster.Fetcher(b).EnsureCheckpointAsync(id, required: true, Token));
        Assert.Equal(chunks, SeparateHomesCluster.Fetcher(b).Chunks);
    }

    [Fact]
    public async Task A_copy_whose_bytes_do_not_match_their_hash_is_refused_and_the_next_holder_gives_it()
    {
        var (a, b, c) = (Silo(0), Silo(1), Silo(2));
        var id = NewId();
        var written = WriteCheckpoint(a, id, stateBytes: 3 * Chunk);
        await SeparateHomesCluster.Fetcher(a).RegisterCheckpointAsync(id);
        Assert.True(await SeparateHomesCluster.Fetcher(b).EnsureCheckpointAsync(id, required: true, Token));
        // Bit rot on the first holder, in the second chunk, that leaves the size and the time stamp as they were: the
        // holder still lists the old hash, and only the bytes it sends tell.
        Corrupt(SeparateHomesCluster.Local(a).Store.PathOf(StageNames.Checkpoint(id)), at: Chunk + 10);

        var report = await SeparateHomesCluster.Fetcher(c).FetchAsync(ArtifactNames.Checkpoint(id), Token);

        Assert.Equal(b.SiloAddress.ToParsableString(), report.Source);
        var refusal = Assert.Single(report.Failures);
        Assert.Contains(a.SiloAddress.ToParsableString(), refusal);
        Assert.Contains($"{StageNames.Checkpoint(id)} of {ArtifactNames.Checkpoint(id)}", refusal);
        Assert.Contains("refused", refusal);
        var store = SeparateHomesCluster.Local(c).Store;
        foreach (var (name, bytes) in written) Assert.Equal(bytes, File.ReadAllBytes(store.PathOf(name)));
        Assert.Empty(Directory.GetFiles(store.Root, ".*"));
        // The refused holder is no longer offered.
        var holders = await fixture.Cluster.Client.GetGrain<IArtifactDirectoryGrain>(ArtifactNames.Checkpoint(id)).GetHolders();
        Assert.DoesNotContain(a.SiloAddress.ToParsableString(), holders);
        Assert.Contains(c.SiloAddress.ToParsableString(), holders);
    }

    [Fact]
    public async Task A_damaged_only_copy_fails_clearly_naming_the_artifact_and_leaves_nothing_behind()
    {
        var (a, b) = (Silo(0), Silo(1));
        var id = NewId();
        WriteCheckpoint(a, id, stateBytes: 2 * Chunk);
        await SeparateHomesCluster.Fetcher(a).RegisterCheckpointAsync(id);
        Corrupt(SeparateHomesCluster.Local(a).Store.PathOf(StageNames.Checkpoint(id)), at: 5);

        var error = await Assert.ThrowsAsync<ArtifactUnavailableException>(() =>
            SeparateHomesCluster.Fetcher(b).EnsureCheckpointAsync(id, required: true, Token));

        Assert.StartsWith($"checkpoint:{id} is unavailable: checkpoint '{id}' is needed on silo {b.SiloAddress.ToParsableString()}, and no silo could give a sound copy", error.Message);
        Assert.Contains("refused", error.Message);
        Assert.IsType<InvalidDataException>(error.InnerException);
        var store = SeparateHomesCluster.Local(b).Store;
        Assert.False(store.Exists(StageNames.Manifest(id)));
        Assert.Empty(Directory.GetFiles(store.Root, ".*"));
    }

    [Fact]
    public async Task A_paused_checkpoint_let_go_is_deleted_on_every_live_silo_with_a_copy_and_its_holders_are_forgotten()
    {
        var (a, b, c) = (Silo(0), Silo(1), Silo(2));
        var id = "paused-" + Guid.NewGuid().ToString("N")[..16];
        WriteCheckpoint(a, id, stateBytes: Chunk, kind: "paused");
        await SeparateHomesCluster.Fetcher(a).RegisterCheckpointAsync(id);
        Assert.True(await SeparateHomesCluster.Fetcher(b).EnsureCheckpointAsync(id, required: true, Token));
        // A copy the directory does not know of (its registration was lost): found all the same.
        WriteCheckpoint(c, id, stateBytes: Chunk, kind: "paused");
        var shared = NewId();
        WriteCheckpoint(a, shared, stateBytes: Chunk);
        var directory = fixture.Cluster.Client.GetGrain<IArtifactDirectoryGrain>(ArtifactNames.Checkpoint(id));

        Assert.Equal(3, await SeparateHomesCluster.Fetcher(b).DiscardPausedAsync(id, Token));

        foreach (var silo in new[] { a, b, c })
        {
            Assert.Empty(Directory.GetFiles(SeparateHomesCluster.Local(silo).Store.Root, id + ".*"));
            Assert.Null(SeparateHomesCluster.Local(silo).Files(ArtifactNames.Checkpoint(id)));
        }
        Assert.Empty(await directory.GetHolders());
        Assert.True(SeparateHomesCluster.Local(a).HasCheckpoint(shared));
        Assert.Equal(0, await SeparateHomesCluster.Fetcher(c).DiscardPausedAsync(id, Token));
        // A silo that deleted its copy forgot it had registered it: a copy made again is registered again.
        WriteCheckpoint(a, id, stateBytes: Chunk, kind: "paused");
        await SeparateHomesCluster.Fetcher(a).RegisterCheckpointAsync(id);
        Assert.Equal([a.SiloAddress.ToParsableString()], await directory.GetHolders());
        // Only a paused trial's checkpoint goes: a shared one is refused on every silo, and stays.
        await Assert.ThrowsAsync<AggregateException>(() => SeparateHomesCluster.Fetcher(b).DiscardPausedAsync(shared, Token));
        Assert.True(SeparateHomesCluster.Local(a).HasCheckpoint(shared));
    }

    [Fact]
    public async Task A_checkpoint_no_silo_holds_is_made_by_the_caller_or_named_in_a_clear_error()
    {
        var id = NewId();
        var fetcher = SeparateHomesCluster.Fetcher(Silo(1));

        Assert.False(await fetcher.EnsureCheckpointAsync(id, required: false, Token));
        var error = await Assert.ThrowsAsync<ArtifactUnavailableException>(() => fetcher.EnsureCheckpointAsync(id, required: true, Token));
        Assert.Equal($"checkpoint:{id} is unavailable: checkpoint '{id}' is needed on silo {Silo(1).SiloAddress.ToParsableString()}, and no silo of the cluster holds it.", error.Message);
    }

    [Fact]
    public async Task A_holder_whose_silo_stopped_is_skipped_for_a_live_one()
    {
        var extra = await fixture.Cluster.StartAdditionalSiloAsync();
        var id = NewId();
        var written = WriteCheckpoint(extra, id, stateBytes: Chunk + 1);
        await SeparateHomesCluster.Fetcher(extra).RegisterCheckpointAsync(id);
        Assert.True(await SeparateHomesCluster.Fetcher(Silo(1)).EnsureCheckpointAsync(id, required: true, Token));
        var gone = extra.SiloAddress.ToParsableString();
        await fixture.Cluster.StopSiloAsync(extra, Token);

        var report = await SeparateHomesCluster.Fetcher(Silo(2)).FetchAsync(ArtifactNames.Checkpoint(id), Token);

        Assert.Equal(Silo(1).SiloAddress.ToParsableString(), report.Source);
        // The stopped silo is either tried and refused as gone, or no longer listed at all: the test cluster's memory
        // storage may have lived on the stopped silo too, and with it the directory's record of that holder.
        Assert.All(report.Failures, f => Assert.Contains(gone, f, StringComparison.Ordinal));
        foreach (var (name, bytes) in written) Assert.Equal(bytes, File.ReadAllBytes(SeparateHomesCluster.Local(Silo(2)).Store.PathOf(name)));
        var holders = await fixture.Cluster.Client.GetGrain<IArtifactDirectoryGrain>(ArtifactNames.Checkpoint(id)).GetHolders();
        Assert.DoesNotContain(gone, holders);
    }

    [Fact]
    public async Task A_silo_without_the_data_set_gets_it_from_one_that_has_it_checked_against_the_catalog()
    {
        var (a, b) = (Silo(0), Silo(1));
        var dataset = DatasetDescriptor.FashionMnist;
        // The first silo reads the Debian package's copy; the others are machines without it.
        var source = await SeparateHomesCluster.Fetcher(a).ResolveDataDirectoryAsync("fashion-mnist", null, Token);
        Assert.Null(source);
        var before = SeparateHomesCluster.Fetcher(b).Chunks;

        var directory = await SeparateHomesCluster.Fetcher(b).ResolveDataDirectoryAsync("fashion", null, Token);

        Assert.Equal(Path.Combine(fixture.HomeOf(b), "datasets", "fashion-mnist"), directory);
        var catalog = new DatasetCatalog(new DatasetCatalogOptions { DataDirectory = directory, SearchSystemDirectory = false, CacheRoot = Path.Combine(fixture.Root, "no-cache") });
        Assert.Equal(directory, catalog.Find(dataset));
        // Every file arrived whole: decompressed, each has the size and SHA-256 the catalog knows.
        foreach (var file in dataset.Files)
        {
            var bytes = IdxReader.ReadDecompressed(DatasetCatalog.FilePath(directory!, file)!);
            Assert.Equal(file.Size, bytes.Length);
            Assert.Equal(file.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }
        var onDisk = dataset.Files.Sum(f => new FileInfo(DatasetCatalog.FilePath(directory!, f)!).Length);
        Assert.True(SeparateHomesCluster.Fetcher(b).Chunks - before >= onDisk / Chunk, $"{SeparateHomesCluster.Fetcher(b).Chunks - before} chunks for {onDisk:N0} bytes");
        var holders = await fixture.Cluster.Client.GetGrain<IArtifactDirectoryGrain>(ArtifactNames.Dataset("fashion-mnist")).GetHolders();
        Assert.Contains(b.SiloAddress.ToParsableString(), holders);
    }

    private static string NewId() => "pruned-test-" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>A checkpoint as a stage leaves it (random state and masks, the manifest recording their hashes, a stored evaluation).</summary>
    private static Dictionary<string, byte[]> WriteCheckpoint(InProcessSiloHandle silo, string id, int stateBytes, string kind = "pruned")
    {
        var store = SeparateHomesCluster.Local(silo).Store;
        var random = new Random(id.GetHashCode());
        var files = new Dictionary<string, byte[]>
        {
            [StageNames.Checkpoint(id)] = RandomBytes(random, stateBytes),
            [StageNames.Masks(id)] = RandomBytes(random, 1000),
            [StageNames.Evaluation(id, 300)] = """{"top1Percent":80.5}"""u8.ToArray(),
        };
        foreach (var (name, bytes) in files) store.Save(name, s => s.Write(bytes));
        var manifest = new CheckpointManifest(id, kind, "lenet-300-100", "fashion-mnist", "1,28,28,10", ["fc1.weight"], [1000], "baseline-0123456789abcdef",
            "test", [store.Describe(StageNames.Checkpoint(id)), store.Describe(StageNames.Masks(id))]);
        store.SaveText(StageNames.Manifest(id), JsonSerializer.Serialize(manifest, ReportJson.Options));
        files[StageNames.Manifest(id)] = File.ReadAllBytes(store.PathOf(StageNames.Manifest(id)));
        return files;
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Flips a byte of <paramref name="path"/> in place, keeping its length and its write time.</summary>
    private static void Corrupt(string path, int at)
    {
        var written = File.GetLastWriteTimeUtc(path);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = at;
            var value = stream.ReadByte();
            stream.Position = at;
            stream.WriteByte((byte)(value ^ 0xFF));
        }
        File.SetLastWriteTimeUtc(path, written);
    }
}

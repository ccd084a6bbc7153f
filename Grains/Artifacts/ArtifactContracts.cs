using Orleans.Concurrency;
using Orleans.Services;

namespace FocusedQuantization.Grains.Artifacts;

/// <summary>
/// One file of an artifact as the silo serving it has it: its name in the artifact's folder, its length and the SHA-256
/// of its bytes (lowercase hex). A fetch asks for the bytes by this hash, not by the name, and checks them against it.
/// </summary>
[GenerateSerializer, Immutable, Alias("fq.ArtifactFile")]
public sealed record ArtifactFile([property: Id(0)] string Name, [property: Id(1)] long Bytes, [property: Id(2)] string Sha256);

/// <summary>
/// Which silos hold an artifact (a checkpoint with its files, or a data set), keyed by the artifact's name
/// (<see cref="ArtifactNames"/>). Silos register when they make or cache one; a fetch asks here first and removes a
/// holder it found dead or whose copy it refused. A hint, not the truth: a silo that lost its files or restarted is
/// found out by the fetch, and a fetch that finds no live holder here asks every silo (<see cref="IArtifactServer.List"/>).
/// </summary>
[Alias("fq.IArtifactDirectoryGrain")]
public interface IArtifactDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The silos registered as holders (parsable addresses), oldest registration first; some may have died since.</summary>
    [ReadOnly, Alias("GetHolders")]
    Task<IReadOnlyList<string>> GetHolders();

    /// <summary>Records that <paramref name="silo"/> (a parsable silo address) holds the artifact whole.</summary>
    [Alias("Register")]
    Task Register(string silo);

    /// <summary>Forgets <paramref name="silo"/> as a holder (its copy was refused or it could not be reached).</summary>
    [Alias("Remove")]
    Task Remove(string silo);
}

/// <summary>
/// The file server every silo runs (a GrainService, so it lives on its own silo from start to stop and a call reaches the
/// silo that has the files): lists the files of an artifact it holds and reads them in chunks, by content hash.
/// </summary>
[Alias("fq.IArtifactServer")]
public interface IArtifactServer : IGrainService
{
    /// <summary>The files of <paramref name="artifact"/> on this silo, or null when it does not hold it whole.</summary>
    [AlwaysInterleave, Alias("List")]
    Task<IReadOnlyList<ArtifactFile>?> List(string artifact);

    /// <summary>
    /// Up to <paramref name="count"/> bytes (at most <see cref="ArtifactOptions.MaxChunkBytes"/>) from
    /// <paramref name="offset"/> of the file of <paramref name="artifact"/> whose content has SHA-256 <paramref name="sha256"/>.
    /// </summary>
    [AlwaysInterleave, Alias("Read")]
    Task<byte[]> Read(string artifact, string sha256, long offset, int count);

    /// <summary>
    /// Deletes this silo's copy of <paramref name="artifact"/>, a paused trial's checkpoint nothing will resume from (any
    /// other kind is refused); true when it had one.
    /// </summary>
    [AlwaysInterleave, Alias("DiscardPaused")]
    Task<bool> DiscardPaused(string artifact);
}

/// <summary>Reaches the <see cref="IArtifactServer"/> of a given silo.</summary>
public interface IArtifactServerClient : IGrainServiceClient<IArtifactServer>
{
    /// <summary>The file server of <paramref name="silo"/>.</summary>
    IArtifactServer On(SiloAddress silo);
}

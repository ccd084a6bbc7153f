using FocusedQuantization.Compression.Data;

namespace FocusedQuantization.Grains.Artifacts;

/// <summary>
/// How artifacts are named across the cluster. A checkpoint is named by its id ("checkpoint:baseline-…"), itself a key
/// of the settings that make it, so the same name always means the same content; its files move addressed by the SHA-256
/// its manifest records. A data set is named by its canonical name ("dataset:fashion-mnist"); its files are checked
/// against the SHA-256 the catalog knows for them.
/// </summary>
public static class ArtifactNames
{
    private const string CheckpointPrefix = "checkpoint:";
    private const string DatasetPrefix = "dataset:";

    /// <summary>The artifact of stage checkpoint <paramref name="id"/>: its manifest, state, masks and stored evaluations.</summary>
    public static string Checkpoint(string id) => CheckpointPrefix + id;

    /// <summary>The artifact of data set <paramref name="dataset"/> (any spelling the catalog accepts): its four IDX files.</summary>
    public static string Dataset(string dataset) => DatasetPrefix + DatasetCatalog.Describe(dataset).Name;

    /// <summary>The checkpoint id of a checkpoint artifact, or null.</summary>
    public static string? CheckpointId(string artifact) =>
        artifact.StartsWith(CheckpointPrefix, StringComparison.Ordinal) ? artifact[CheckpointPrefix.Length..] : null;

    /// <summary>The data set of a data set artifact, or null.</summary>
    public static DatasetDescriptor? DatasetOf(string artifact)
    {
        if (!artifact.StartsWith(DatasetPrefix, StringComparison.Ordinal)) return null;
        var name = artifact[DatasetPrefix.Length..];
        return DatasetCatalog.Known.FirstOrDefault(d => d.Name == name);
    }
}

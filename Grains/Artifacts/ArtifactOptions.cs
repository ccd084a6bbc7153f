namespace FocusedQuantization.Grains.Artifacts;

/// <summary>How a silo moves artifacts to and from the other silos, and where it looks for data sets of its own.</summary>
public sealed class ArtifactOptions
{
    /// <summary>The most a single read returns, whatever the caller asks: no file crosses the cluster in one message.</summary>
    public const int MaxChunkBytes = 4 << 20;

    /// <summary>Bytes asked for per call when fetching a file; default 1 MiB, at most <see cref="MaxChunkBytes"/>.</summary>
    public int ChunkBytes { get; set; } = 1 << 20;

    /// <summary>
    /// Whether this silo's own data set places count: the system package's folder (/usr/share/datasets/…) and the user's
    /// download cache (~/.cache/fq/datasets). Default true; false makes the silo behave as a machine without them, so a
    /// data set reaches it only from the sweep's data directory, its own FQ_HOME/datasets, or another silo. The environment
    /// variable FQ_MACHINE_DATASETS=0 sets the default to false (to try a cluster out as if this machine had no data).
    /// </summary>
    public bool SearchMachineDatasets { get; set; } = Environment.GetEnvironmentVariable("FQ_MACHINE_DATASETS") is not ("0" or "false");

    /// <summary>Where data sets fetched from other silos are kept, one folder per data set; default FQ_HOME/datasets.</summary>
    public string? DatasetFolder { get; set; }
}

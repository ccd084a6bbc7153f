namespace FocusedQuantization.Grains.Execution;

/// <summary>Where the grains keep their files, and how much CPU work a silo runs at once.</summary>
public sealed class FqGrainsOptions
{
    /// <summary>The state folder: checkpoints and compressed models live under it. Default ./.fq (FQ_HOME moves it).
    /// Each silo may have its own: checkpoints and data sets it lacks come from the other silos (Grains/Artifacts).</summary>
    public string Home { get; set; } = Environment.GetEnvironmentVariable("FQ_HOME") is { Length: > 0 } home ? home : ".fq";

    /// <summary>CPU-bound workers per silo (training, layer searches). Default: the number of cores.</summary>
    public int Workers { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// CUDA devices this silo schedules GPU jobs on, one job per device at a time; null (default): as many as torch
    /// sees (none with a CPU-only libtorch).
    /// </summary>
    public int? GpuDevices { get; set; }

    /// <summary>Folder of the checkpoint store.</summary>
    public string CheckpointFolder => Path.Combine(Path.GetFullPath(Home), "checkpoints");

    /// <summary>Folder of the compressed models trials write.</summary>
    public string ModelFolder => Path.Combine(Path.GetFullPath(Home), "models");
}

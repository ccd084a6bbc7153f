using FocusedQuantization.Compression.Stages;
using Xunit;

[assembly: AssemblyFixture(typeof(FocusedQuantization.Compression.Tests.Stages.StageFixture))]

namespace FocusedQuantization.Compression.Tests.Stages;

/// <summary>
/// One checkpoint store shared by the stage tests, with a small baseline and its pruned checkpoint (LeNet-5 on the
/// first 1000 Fashion-MNIST training images, one epoch each), made once on first use.
/// </summary>
public sealed class StageFixture : IDisposable
{
    private readonly Lazy<string> _prunedId;

    public StageFixture()
    {
        Folder = Directory.CreateTempSubdirectory("fq-stages-").FullName;
        Store = new CheckpointStore(Path.Combine(Folder, "store"));
        _prunedId = new Lazy<string>(() => PruneStage.Ensure(Prune, Store, Data), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>A temporary folder, deleted at the end.</summary>
    public string Folder { get; }

    /// <summary>The data sets of every stage test, loaded once.</summary>
    public DatasetCache Data { get; } = new();

    /// <summary>The shared store.</summary>
    public CheckpointStore Store { get; }

    /// <summary>The shared baseline's settings.</summary>
    public static BaselineSpec Baseline { get; } = new("lenet5", "fashion-mnist", Epochs: 1, LearningRate: 0.02, BatchSize: 64, Seed: 1, TrainLimit: 1000, TestLimit: 300);

    /// <summary>The shared pruned checkpoint's settings.</summary>
    public static PruneSpec Prune { get; } = new(Baseline, TargetSparsity: 0.9, PruneAlpha: null, Epochs: 1, Seed: 1);

    /// <summary>The id of the shared pruned checkpoint, made (with its baseline) on first use.</summary>
    public string PrunedId => _prunedId.Value;

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

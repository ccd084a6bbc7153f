using FocusedQuantization.Compression.Models;
using FocusedQuantization.Compression.Training;
using TorchSharp;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Training;

public sealed class CheckpointTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("fq-checkpoint-tests-").FullName;

    public CheckpointTests() => torch.set_num_threads(1);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Restores_every_parameter_and_buffer_into_a_fresh_model()
    {
        using var original = ModelZoo.Create("resnet20", null, 1);
        using (var scope = torch.NewDisposeScope())
            original.forward(torch.rand(4, 1, 28, 28)); // training mode: moves the batch-norm running statistics
        var path = Path.Combine(directory, "sub", "resnet20.ckpt");
        Checkpoint.Save(original, path);
        using var restored = ModelZoo.Create("resnet20", null, 2);
        Assert.False(SyntheticData.SameState(original, restored));
        Checkpoint.Load(restored, path);
        Assert.True(SyntheticData.SameState(original, restored));
        Assert.Equal(1, restored.get_buffer("bn1.num_batches_tracked")!.item<long>());
        Assert.Equal([path], Directory.GetFiles(Path.Combine(directory, "sub")));
    }

    [Fact]
    public void Round_trips_through_a_stream()
    {
        using var original = ModelZoo.Create("lenet5", null, 3);
        using var stream = new MemoryStream();
        Checkpoint.Save(original, stream);
        stream.Position = 0;
        using var restored = ModelZoo.Create("lenet5", null, 4);
        Checkpoint.Load(restored, stream);
        Assert.True(SyntheticData.SameState(original, restored));
    }

    [Fact]
    public void Refuses_a_checkpoint_of_another_architecture()
    {
        using var lenet = ModelZoo.Create("lenet5", null, 1);
        var path = Path.Combine(directory, "lenet5.ckpt");
        Checkpoint.Save(lenet, path);
        using var other = ModelZoo.Create("lenet-300-100", null, 1);
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(other, path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Reports_a_missing_checkpoint()
    {
        using var model = ModelZoo.Create("lenet5");
        Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(model, Path.Combine(directory, "none.ckpt")));
    }
}

using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.Models;
using FocusedQuantization.Compression.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Tests.Data;

/// <summary>The Trainer and the Evaluator on batch sources: CIFAR bytes augmented per batch, image folders streamed.</summary>
public sealed class BatchSourceTrainingTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("fq-batches-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private CifarDataset Cifar()
    {
        GeneratedImages.Cifar(root, CifarFormat.Cifar10, perFile: 8, testRecords: 8);
        return (CifarDataset)DataSourceLoader.Load(DataSource.Parse("cifar10:" + root), DatasetSplit.Train, cancellationToken: Token);
    }

    private static nn.Module<Tensor, Tensor> Model(IImageSet data, long seed) =>
        ModelZoo.Create("lenet5", new ModelShape(data.Channels, data.Height, data.Width, data.Classes), seed);

    private static float[] Trained(IImageSet data, long seed, int epochs = 2)
    {
        using var model = Model(data, 3);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = epochs, BatchSize = 8, Seed = seed, LearningRate = 0.01 });
        trainer.Train(data, cancellationToken: Token);
        return Weights(model);
    }

    private static float[] Weights(nn.Module<Tensor, Tensor> model) => [.. model.parameters().SelectMany(p => p.data<float>().ToArray())];

    [Fact]
    public void Training_on_cifar_bytes_gives_the_same_weights_for_a_seed_and_others_for_another()
    {
        var data = Cifar();

        var first = Trained(data, 7);

        Assert.Equal(first, Trained(data, 7));
        Assert.NotEqual(first, Trained(data, 8));
        Assert.All(first, w => Assert.True(float.IsFinite(w)));
    }

    [Fact]
    public void An_epoch_run_again_after_a_restore_sees_the_same_augmented_batches()
    {
        var data = Cifar();
        using var model = Model(data, 5);
        using var trainer = new Trainer(model, new TrainerOptions { BatchSize = 8, LearningRate = 0.01, Seed = 2 });
        trainer.TrainEpoch(data, cancellationToken: Token);
        using var start = trainer.Snapshot();
        var first = trainer.TrainEpoch(data, cancellationToken: Token);
        var once = Weights(model);

        trainer.Restore(start);
        var again = trainer.TrainEpoch(data, cancellationToken: Token);

        Assert.Equal(once, Weights(model));
        Assert.Equal(first.Loss, again.Loss);
    }

    [Fact]
    public void A_streamed_image_folder_trains_to_the_same_weights_whatever_the_decoding_threads()
    {
        GeneratedImages.ImageFolder(root, classes: 4, perClass: 6, valPerClass: 1, size: 48);
        var inline = DataSourceLoader.OpenImageFolder(DataSource.Parse($"imagefolder:{root}?size=32"), DatasetSplit.Train, workers: 0);

        var first = Trained(inline, 4);

        Assert.Equal(first, Trained(inline.WithWorkers(3, 1), 4));
        Assert.NotEqual(first, Trained(inline.WithWorkers(3, 1), 5));
    }

    [Fact]
    public void Evaluating_a_batch_source_counts_as_evaluating_its_evaluation_images_in_memory()
    {
        var data = Cifar();
        using var model = Model(data, 9);
        var pixels = data.EvaluationBatches(64, Token).SelectMany(b => b.Pixels).ToArray();
        var labels = Enumerable.Range(0, data.Count).Select(data.LabelAt).ToArray();
        var inMemory = new ImageDataset("same", pixels, labels, 3, 32, 32, 10);

        var streamed = Evaluator.Evaluate(model, data, batchSize: 7);
        var held = Evaluator.Evaluate(model, inMemory, batchSize: 7);

        Assert.Equal(held.Top1Percent, streamed.Top1Percent);
        Assert.Equal(held.Top5Percent, streamed.Top5Percent);
        Assert.Equal(held.Loss, streamed.Loss);
        Assert.Equal(data.Count, streamed.Count);
        Assert.Equal(Evaluator.Predict(model, inMemory), Evaluator.Predict(model, data));
    }

    [Fact]
    public void Skipped_images_are_not_counted_in_an_evaluation()
    {
        GeneratedImages.ImageFolder(root, classes: 2, perClass: 1, valPerClass: 3, size: 32);
        File.WriteAllText(Path.Combine(root, "val", "class01", "img001.jpg"), "broken");
        var val = DataSourceLoader.OpenImageFolder(DataSource.Parse($"imagefolder:{root}?size=16&skip-bad"), DatasetSplit.Test, workers: 2);
        using var model = Model(val, 1);

        var result = Evaluator.Evaluate(model, val);
        var predictions = Evaluator.Predict(model, val);

        Assert.Equal(5, result.Count);
        Assert.Equal(-1, predictions[4]);
        Assert.Equal(1, val.SkippedImages);
    }
}

using FocusedQuantization.Compression.Stages;
using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Training;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Pipeline;

/// <summary>The whole pipeline on a slice of the real Fashion-MNIST (Debian's dataset-fashion-mnist).</summary>
public sealed class CompressionPipelineTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fq-pipeline-").FullName;

    [Fact]
    public async Task A_short_run_writes_a_file_whose_decoded_model_scores_what_the_report_says()
    {
        var options = new CompressionOptions
        {
            Model = "lenet5",
            Dataset = "fashion-mnist",
            Bits = 5,
            TargetSparsity = 0.9,
            BaselineEpochs = 1,
            PruneEpochs = 1,
            ScheduleScale = 0.2,
            TrainLimit = 2000,
            TestLimit = 400,
            CacheDirectory = Path.Combine(_folder, "cache"),
        };
        var output = Path.Combine(_folder, "model.fqz");
        var stages = new List<string>();

        var report = await new CompressionPipeline(options, new DatasetCache()).RunAsync(output, new SyncProgress(p => stages.Add(p.Stage)), TestContext.Current.CancellationToken);

        Assert.Equal(PipelineStage.All, stages.Distinct());
        var fileBytes = new FileInfo(output).Length;
        Assert.Equal(fileBytes, report.CompressedBytes);
        Assert.Equal(4L * 431_080, report.DenseBytes);
        Assert.Equal((double)report.DenseBytes / fileBytes, report.CompressionRatio, 9);
        Assert.True(report.PaperCodingBytes > report.CompressedBytes, "the context coder should beat per-symbol Huffman on a sparse model");
        Assert.InRange(report.Sparsity, 0.88, 0.92);
        Assert.Equal(4, report.Layers.Count);
        Assert.All(report.Layers, l => Assert.Equal(5, l.Bits));

        var decoded = FqzFile.Read(output);
        using var restored = ModelState.Restore(decoded);
        var test = new DatasetCatalog().Load("fashion-mnist", DatasetSplit.Test, DatasetSubset.First(400));
        var evaluation = Evaluator.Evaluate(restored, test);
        Assert.Equal(report.Top1Compressed, evaluation.Top1Percent, 9);
        Assert.True(report.Top1Compressed > 50, $"top-1 {report.Top1Compressed} is hardly above chance");
        Assert.Single(Directory.GetFiles(_folder), f => f.EndsWith(".fqz", StringComparison.Ordinal));

        // A second run finds the baseline and the pruned model in the store, trains neither again, and writes the same bytes.
        var again = Path.Combine(_folder, "again.fqz");
        var details = new List<PipelineProgress>();
        var second = await new CompressionPipeline(options, new DatasetCache()).RunAsync(again, new SyncProgress(details.Add), TestContext.Current.CancellationToken);
        Assert.DoesNotContain(details, p => p.Stage is PipelineStage.Baseline or PipelineStage.Prune && p.Detail.StartsWith("epoch", StringComparison.Ordinal));
        Assert.Equal(File.ReadAllBytes(output), File.ReadAllBytes(again));
        Assert.Equal(report.Top1Compressed, second.Top1Compressed);
        Assert.Equal(report.Top1Dense, second.Top1Dense);
    }

    [Theory]
    [InlineData("resnet-1000", "fashion-mnist", "resnet-1000")]
    [InlineData("lenet5", "cifar-100", "cifar-100")]
    public async Task An_unknown_model_or_data_set_is_refused_by_name_before_anything_runs(string model, string dataset, string named)
    {
        var output = Path.Combine(_folder, "never.fqz");
        var options = new CompressionOptions { Model = model, Dataset = dataset };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => new CompressionPipeline(options, new DatasetCache()).RunAsync(output, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains(named, error.Message);
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(9)]
    public void Bits_outside_three_to_eight_are_refused(int bits)
    {
        var error = Assert.Throws<ArgumentException>(() => new CompressionOptions { Bits = bits }.Validate());
        Assert.Contains("--bits", error.Message);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private sealed class SyncProgress(Action<PipelineProgress> action) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value) => action(value);
    }
}

using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Quantization;
using FocusedQuantization.Compression.Retraining;
using FocusedQuantization.Compression.Stages;
using FocusedQuantization.Compression.Training;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Stages;

public sealed class TrialStageTests(StageFixture fixture)
{
    [Fact]
    public void Per_layer_bits_give_each_layer_its_own_width_in_the_file_and_the_report_matches_the_file()
    {
        var widths = new Dictionary<string, int> { ["conv1.weight"] = 6, ["conv2.weight"] = 4, ["fc1.weight"] = 3, ["fc2.weight"] = 5 };
        var spec = new TrialSpec(StageFixture.Prune, Bits: 5, widths, WSep: 2.0, OverflowRate: null, ScheduleScale: 0.2,
            FineTuneLearningRate: 0.002, CodingMode.ContextArithmetic, Seed: 1);
        var output = Path.Combine(fixture.Folder, "mixed.fqz");
        var progress = new SyncProgress();
        _ = fixture.PrunedId;

        var report = TrialStage.Run(spec, fixture.Store, fixture.Data, output, progress, TestContext.Current.CancellationToken);

        var decoded = FqzFile.Read(output);
        Assert.Equal(widths, decoded.Layers.ToDictionary(l => l.Name, l => l.Parameters.Bits));
        Assert.Equal(widths, report.Layers.ToDictionary(l => l.Name, l => l.Bits));
        Assert.Equal("6,4,3,5", decoded.Metadata["bits"]);
        Assert.Equal(6, report.Bits);
        Assert.Equal(new FileInfo(output).Length, report.CompressedBytes);
        Assert.Equal(BaselineStage.Evaluation(StageFixture.Baseline, fixture.Store, fixture.Data, TestContext.Current.CancellationToken).Top1Percent, report.Top1Dense);
        Assert.Equal(PruneStage.Evaluation(StageFixture.Prune, fixture.Store, fixture.Data, TestContext.Current.CancellationToken).Top1Percent, report.Top1Pruned);
        using var restored = ModelState.Restore(decoded);
        var test = new DatasetCatalog().Load("fashion-mnist", DatasetSplit.Test, DatasetSubset.First(300));
        Assert.Equal(Evaluator.Evaluate(restored, test).Top1Percent, report.Top1Compressed, 9);
        Assert.Equal([PipelineStage.Quantize, PipelineStage.Encode, PipelineStage.Evaluate], progress.Reports.Select(r => r.Stage).Distinct());
        Assert.Empty(report.Recoveries);
        Assert.DoesNotContain(progress.Reports, p => p.Notice);
    }

    [Fact]
    public void Two_runs_of_one_uniform_trial_write_the_same_bytes_even_when_run_concurrently()
    {
        var spec = new TrialSpec(StageFixture.Prune, Bits: 4, null, WSep: 2.0, OverflowRate: null, ScheduleScale: 0.1,
            FineTuneLearningRate: 0.002, CodingMode.Paper, Seed: 3);
        var outputs = new[] { "a.fqz", "b.fqz" }.Select(n => Path.Combine(fixture.Folder, n)).ToArray();
        _ = fixture.PrunedId;

        var reports = outputs.AsParallel().WithDegreeOfParallelism(2)
            .Select(o => TrialStage.Run(spec, fixture.Store, fixture.Data, o, null, TestContext.Current.CancellationToken)).ToArray();

        Assert.Equal(File.ReadAllBytes(outputs[0]), File.ReadAllBytes(outputs[1]));
        Assert.Equal(reports[0].Top1Compressed, reports[1].Top1Compressed);
        Assert.All(FqzFile.Read(outputs[0]).Layers, l => Assert.Equal(4, l.Parameters.Bits));
    }

    [Fact]
    public void Each_layer_reports_the_separation_that_chose_its_mode_and_the_fine_tuning_mode_reaches_the_trial()
    {
        var ste = new TrialSpec(StageFixture.Prune, Bits: 5, null, WSep: 2.0, OverflowRate: null, ScheduleScale: 0.1,
            FineTuneLearningRate: 0.001, CodingMode.Paper, Seed: 5);
        var inq = ste with { FineTune = FineTuneMode.Inq };
        _ = fixture.PrunedId;

        var steReport = TrialStage.Run(ste, fixture.Store, fixture.Data, Path.Combine(fixture.Folder, "ste.fqz"), null, TestContext.Current.CancellationToken);
        var inqReport = TrialStage.Run(inq, fixture.Store, fixture.Data, Path.Combine(fixture.Folder, "inq.fqz"), null, TestContext.Current.CancellationToken);

        // The mode is chosen on the pruned weights, before fine-tuning re-estimates anything.
        using var pruned = StageCheckpoint.Load(fixture.Store, fixture.PrunedId);
        var parameters = pruned.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray());
        var first = pruned.Masks!.ToDictionary(m => m.Name,
            m => LayerPlanner.Plan(parameters[m.Name], m.Mask, new QuantizationOptions { Bits = 5, SeparationThreshold = 2.0 }).Separation);
        Assert.All(steReport.Layers, l => Assert.Equal(first[l.Name], l.Separation));
        Assert.All(inqReport.Layers, l => Assert.Equal(first[l.Name], l.Separation));
        Assert.All(steReport.Layers, l => Assert.Equal(l.Separation >= 2.0 ? "recentralized" : "shift", l.Mode, ignoreCase: true));
        Assert.Equal(FineTuneMode.Ste, steReport.Options.FineTune);
        Assert.Equal(FineTuneMode.Inq, inqReport.Options.FineTune);
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(fixture.Folder, "ste.fqz")), File.ReadAllBytes(Path.Combine(fixture.Folder, "inq.fqz")));
    }

    [Fact]
    public void Bits_for_a_layer_the_model_lacks_are_refused_by_name()
    {
        var spec = new TrialSpec(StageFixture.Prune, Bits: 5, new Dictionary<string, int> { ["fc7.weight"] = 4 }, 2.0, null, 0.2, 0.002, CodingMode.Paper, 1);
        _ = fixture.PrunedId;

        var error = Assert.Throws<ArgumentException>(() => TrialStage.Run(spec, fixture.Store, fixture.Data, Path.Combine(fixture.Folder, "never.fqz"), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("fc7.weight", error.Message);
        Assert.False(File.Exists(Path.Combine(fixture.Folder, "never.fqz")));
    }
}

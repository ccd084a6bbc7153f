using FocusedQuantization.Compression.Data;
using System.CommandLine;
using System.Text.Json;
using FocusedQuantization.Compression.IO;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Stages;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace FocusedQuantization.Client.Cli;

/// <summary>`fq compress`: the whole focused-compression pipeline in one process.</summary>
public static class CompressCommand
{
    public static Command Create()
    {
        var defaults = new CompressionOptions();
        var model = new Option<string>("--model") { Description = "Model: lenet5, lenet-300-100, cifar9, resnet20, (torchvision's layout) resnet18, resnet50, mobilenet-v2, or torchscript:FILE.pt (a module saved with torch.jit.save; its weights are the baseline).", DefaultValueFactory = _ => defaults.Model };
        var dataset = new Option<string>("--dataset")
        {
            Description = "Data set: fashion-mnist, mnist, imagefolder:PATH (PATH/train and PATH/val, a sub-folder of JPEG/PNG images per class), " +
                "cifar10:PATH or cifar100:PATH (the binary version, downloaded into PATH unless --offline).",
            DefaultValueFactory = _ => defaults.Dataset,
        };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder with the data set's IDX files (default: search the Debian package path and the cache)." };
        var imageSize = new Option<int?>("--image-size")
        {
            Description = "Image folders: side of the square crop the model sees (training: random-resized crop and flip; evaluation: resize to 256/224 of it, centre crop). Default 224.",
        };
        var skipBad = new Option<bool>("--skip-bad-images") { Description = "Image folders: skip unreadable images (and count them) instead of stopping at the first." };
        var bits = new Option<int>("--bits") { Description = "Bits per weight before entropy coding, 3..8.", DefaultValueFactory = _ => defaults.Bits };
        var wsep = new Option<double>("--w-sep") { Description = "Wasserstein separation from which a layer is recentralized.", DefaultValueFactory = _ => defaults.WSep };
        var overflow = new Option<double?>("--overflow-rate") { Description = "Fraction of weights allowed above the top level (default 1/(2^n+1))." };
        var sparsity = new Option<double>("--sparsity") { Description = "Target fraction of pruned weights, 0..0.999.", DefaultValueFactory = _ => defaults.TargetSparsity };
        var pruneAlpha = new Option<double?>("--prune-alpha") { Description = "DNS alpha for every layer (overrides --sparsity)." };
        var baselineEpochs = new Option<int>("--baseline-epochs") { Description = "Epochs of baseline training.", DefaultValueFactory = _ => defaults.BaselineEpochs };
        var pruneEpochs = new Option<int>("--prune-epochs") { Description = "Epochs of pruning with retraining.", DefaultValueFactory = _ => defaults.PruneEpochs };
        var scheduleScale = new Option<double>("--schedule-scale") { Description = "Scale on the paper's fine-tuning schedule (1 = 3 epochs a step, 10 for the last).", DefaultValueFactory = _ => defaults.ScheduleScale };
        var lr = new Option<double>("--lr") { Description = "Baseline learning rate.", DefaultValueFactory = _ => defaults.LearningRate };
        var fineTuneLr = new Option<double>("--fine-tune-lr") { Description = "Learning rate at the start of each step of quantized fine-tuning (the paper's 0.001).", DefaultValueFactory = _ => defaults.FineTuneLearningRate };
        var fineTune = new Option<string>("--fine-tune")
        {
            Description = "Fine-tuning of quantized weights: ste (they keep training, straight-through estimator) or inq (frozen once quantized, the paper's incremental scheme).",
            DefaultValueFactory = _ => FineTuneModes.DefaultName,
        };
        var batchSize = new Option<int>("--batch-size") { Description = "Mini-batch size.", DefaultValueFactory = _ => defaults.BatchSize };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => defaults.Seed };
        var coding = new Option<string>("--coding") { Description = "Entropy coding: " + string.Join(", ", CodingModes.Names) + ".", DefaultValueFactory = _ => CodingModes.DefaultName };
        var trainLimit = new Option<int?>("--train-limit") { Description = "Use only the first N training images." };
        var testLimit = new Option<int?>("--test-limit") { Description = "Use only the first N test images." };
        var validation = new Option<string?>("--validation")
        {
            Description = "Training images held out for validation, on which every choice is made: a fraction (0.1), a percentage (10%) or a count (5000). Default 10%.",
        };
        var equalEpochs = new Option<bool>("--equal-epoch-baseline")
        {
            Description = "Also train a dense model for as many epochs as the compressed one received in total, and measure the accuracy drop against it.",
        };
        var checkpoint = new Option<string?>("--baseline") { Description = "Load this baseline checkpoint instead of training one." };
        var weights = new Option<string?>("--weights")
        {
            Description = "A PyTorch state_dict (torch.save(model.state_dict(), f)) or .safetensors file to start from: it is the baseline (no baseline training); the class count comes from it.",
        };
        var offline = new Option<bool>("--offline") { Description = "Never download the data set; fail if it is not on disk." };
        var output = new Option<string>("--out") { Description = "Where to write the compressed model (.fqz).", DefaultValueFactory = _ => "model.fqz" };
        var report = new Option<string?>("--report") { Description = "Where to write the JSON report." };
        var device = new Option<string>("--device")
        {
            Description = "Where every stage runs: cpu, cuda (device 0) or cuda:N. CUDA needs fq built with a CUDA libtorch (README, 'Running on a GPU').",
            DefaultValueFactory = _ => defaults.Device,
        };

        var command = new Command("compress", "Train (or load) a baseline, prune it, quantize it with focused quantization, fine-tune, encode and evaluate.")
        {
            model, dataset, dataDir, imageSize, skipBad, bits, wsep, overflow, sparsity, pruneAlpha, baselineEpochs, pruneEpochs, scheduleScale,
            lr, fineTuneLr, fineTune, batchSize, seed, coding, trainLimit, testLimit, validation, equalEpochs, checkpoint, weights, offline, output, report,
        };
        command.Options.Add(device);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new CompressionOptions
            {
                Model = parse.GetValue(model)!,
                Dataset = parse.GetValue(dataset)!,
                DataDirectory = parse.GetValue(dataDir),
                ImageSize = parse.GetValue(imageSize),
                SkipBadImages = parse.GetValue(skipBad),
                Bits = parse.GetValue(bits),
                WSep = parse.GetValue(wsep),
                OverflowRate = parse.GetValue(overflow),
                TargetSparsity = parse.GetValue(sparsity),
                PruneAlpha = parse.GetValue(pruneAlpha),
                BaselineEpochs = parse.GetValue(baselineEpochs),
                PruneEpochs = parse.GetValue(pruneEpochs),
                ScheduleScale = parse.GetValue(scheduleScale),
                LearningRate = parse.GetValue(lr),
                FineTuneLearningRate = parse.GetValue(fineTuneLr),
                FineTune = FineTuneModes.Parse(parse.GetValue(fineTune)!),
                BatchSize = parse.GetValue(batchSize),
                Seed = parse.GetValue(seed),
                Coding = CodingModes.Parse(parse.GetValue(coding)!),
                TrainLimit = parse.GetValue(trainLimit),
                TestLimit = parse.GetValue(testLimit),
                Validation = parse.GetValue(validation) is { } split ? ValidationSplit.Parse(split) : null,
                BaselineCheckpoint = parse.GetValue(checkpoint),
                Weights = parse.GetValue(weights),
                AllowDownload = !parse.GetValue(offline),
                EqualEpochBaseline = parse.GetValue(equalEpochs),
                Device = parse.GetValue(device)!,
            };
            return await RunAsync(options, parse.GetValue(output)!, parse.GetValue(report), cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(CompressionOptions options, string outputPath, string? reportPath, CancellationToken cancellationToken)
    {
        options.Validate();
        // fq compress's own composition: one data set cache for the run, which the pipeline hands to every stage.
        await using var services = new ServiceCollection()
            .AddSingleton<DatasetCache>()
            .AddSingleton(options)
            .AddSingleton<CompressionPipeline>()
            .BuildServiceProvider();
        var pipeline = services.GetRequiredService<CompressionPipeline>();
        var result = await PipelineProgressView.RunAsync(
            (progress, token) => pipeline.RunAsync(outputPath, progress, token), cancellationToken);

        ReportTable.Write(AnsiConsole.Console, result);
        if (reportPath is not null)
        {
            AtomicFile.WriteAllText(reportPath, JsonSerializer.Serialize(result, ReportJson.Options));
            AnsiConsole.MarkupLineInterpolated($"Report written to [bold]{reportPath}[/]");
        }
        if (result.SkippedImages > 0) AnsiConsole.MarkupLineInterpolated($"[yellow]Skipped {result.SkippedImages:N0} unreadable images.[/]");
        AnsiConsole.MarkupLineInterpolated($"Compressed model written to [bold]{outputPath}[/]");
        return ExitCodes.Success;
    }
}

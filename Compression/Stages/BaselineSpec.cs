using System.Globalization;
using System.Security.Cryptography;
using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.Models;

namespace FocusedQuantization.Compression.Stages;

/// <summary>
/// How a dense baseline is made: <paramref name="Epochs"/> of SGD (momentum 0.9, cosine decay to a tenth) at
/// <paramref name="LearningRate"/> on the first <paramref name="TrainLimit"/> training images (null: all), from
/// weights seeded with <paramref name="Seed"/>. <paramref name="TestLimit"/> (null: all test images),
/// <paramref name="DataDirectory"/> and <paramref name="AllowDownload"/> (default false) say where data comes from and
/// how the checkpoint is evaluated; they are not part of <see cref="Id"/>. With <paramref name="ImportPath"/> the
/// baseline is that checkpoint file instead of a trained one, and its id is a key of the file's content.
/// <paramref name="Validation"/> (null: <see cref="ValidationSplit.Default"/>, 10 %) holds images out of the training
/// images; the baseline and every later stage train on the rest, and every choice made from accuracy uses the held-out ones.
/// With <paramref name="Weights"/> the baseline is a PyTorch state_dict (or safetensors) file loaded into the model, not
/// trained, and its id is a key of the file's SHA-256.
/// <paramref name="Device"/> (null: the CPU) is where this baseline and every stage after it run (see
/// <see cref="Training.ComputeDevice"/>); a CUDA device is part of the ids of what is trained there.
/// </summary>
public sealed record BaselineSpec(
    string Model,
    string Dataset,
    int Epochs,
    double LearningRate,
    int BatchSize,
    int Seed,
    int? TrainLimit = null,
    string? DataDirectory = null,
    int? TestLimit = null,
    bool AllowDownload = false,
    string? ImportPath = null,
    ValidationSplit? Validation = null,
    WeightsFile? Weights = null,
    string? Device = null)
{
    /// <summary>The device in effect, spelled canonically ("cpu", "cuda", "cuda:N").</summary>
    public string EffectiveDevice => Training.ComputeDevice.Normalize(Device);

    /// <summary>" | device cuda" for what is trained on a CUDA device; empty on the CPU, whose keys stay as they were.</summary>
    internal string DeviceKey => Training.ComputeDevice.KeyPart(Device) is { } part ? $"|device {part}" : "";

    /// <summary>The validation split in effect.</summary>
    public ValidationSplit EffectiveValidation => Validation ?? ValidationSplit.Default;

    /// <summary>The stable id of the checkpoint these settings make ("baseline-" and 16 hex digits).</summary>
    public string Id => CheckpointStore.KeyOf("baseline", Canonical);

    /// <summary>The settings the id is made from, spelled out invariantly.</summary>
    public string Canonical
    {
        get
        {
            var model = ModelZoo.Canonicalize(Model);
            var dataset = DataSource.Parse(Dataset).Name;
            if (Weights is { } weights) return $"baseline-weights|{model}|{dataset}|{weights.Sha256}";
            // A TorchScript module's own weights are the baseline: the key is the module's content, not a recipe.
            if (ModelZoo.IsTorchScript(model))
                return $"baseline-torchscript|{TorchScriptNetwork.HashOf(ModelZoo.TorchScriptPath(model))}|{dataset}";
            if (ImportPath is { } path)
            {
                using var stream = File.OpenRead(path);
                return $"baseline-import|{model}|{dataset}|{Convert.ToHexStringLower(SHA256.HashData(stream))}";
            }
            return string.Create(CultureInfo.InvariantCulture,
                $"baseline|{model}|{dataset}|epochs {Epochs}|lr {LearningRate:R}|batch {BatchSize}|seed {Seed}|train {(TrainLimit is { } n ? n : "all")}|validation {EffectiveValidation}{DeviceKey}");
        }
    }

    /// <summary>The training images this baseline (and every stage after it) learns from: the training split less the validation images.</summary>
    public DatasetRequest TrainData => new(Dataset, DatasetSplit.Train, TrainLimit, DataDirectory, AllowDownload, EffectiveValidation);

    /// <summary>The held-out validation images every choice made from accuracy is made on.</summary>
    public DatasetRequest ValidationData => new(Dataset, DatasetSplit.Validation, TrainLimit, DataDirectory, AllowDownload, EffectiveValidation);

    /// <summary>The test split every stage of this baseline's family is evaluated on.</summary>
    public DatasetRequest TestData => new(Dataset, DatasetSplit.Test, TestLimit, DataDirectory, AllowDownload);

    /// <summary>Throws ArgumentException naming the first setting out of range (and FileNotFoundException for a missing import).</summary>
    public void Validate()
    {
        var model = ModelZoo.Canonicalize(Model);
        if (ModelZoo.IsTorchScript(model) && ModelZoo.TorchScriptPath(model) is var script && !File.Exists(script))
            throw new FileNotFoundException($"TorchScript module '{script}' does not exist.", script);
        DataSource.Parse(Dataset);
        Training.ComputeDevice.Normalize(Device);
        if (Epochs < 0) throw new ArgumentException($"Baseline epochs must be >= 0, got {Epochs}.");
        if (!(LearningRate > 0 && LearningRate < 10)) throw new ArgumentException($"The baseline learning rate must be in (0, 10), got {LearningRate}.");
        if (BatchSize is < 1 or > 65536) throw new ArgumentException($"The batch size must be between 1 and 65536, got {BatchSize}.");
        if (TrainLimit is < 1) throw new ArgumentException($"The train limit must be at least 1, got {TrainLimit}.");
        if (TestLimit is < 1) throw new ArgumentException($"The test limit must be at least 1, got {TestLimit}.");
        if (ImportPath is { } path && !File.Exists(path)) throw new FileNotFoundException($"Baseline checkpoint {path} does not exist.", path);
        if (Weights is { } weights)
        {
            if (ImportPath is not null) throw new ArgumentException("Give either PyTorch weights or a baseline checkpoint, not both.");
            if (!File.Exists(weights.Path)) throw new FileNotFoundException($"Weights file {weights.Path} does not exist.", weights.Path);
        }
    }
}

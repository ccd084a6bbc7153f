using System.Globalization;
using System.Text;
using System.Text.Json;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Quantization;
using FocusedQuantization.Compression.Retraining;
using FocusedQuantization.Compression.Training;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Stages;

/// <summary>
/// What a paused trial has done, saved beside its checkpoint as JSON: the trial's settings (checked on resume), its
/// pruned checkpoint, epochs done of the schedule's, the size estimate, seconds spent, and the epochs, recoveries and
/// rungs so far.
/// </summary>
internal sealed record PausedProgress(
    string Settings, string PrunedId, int EpochsDone, int Epochs, long EstimatedCompressedBytes, double Seconds,
    IReadOnlyList<EpochSummary> Summaries, IReadOnlyList<TrainingRecovery> Recoveries, IReadOnlyList<RungEvaluation> Rungs);

/// <summary>
/// A trial's fine-tuning paused between epochs, as a stage checkpoint of kind "paused": the model's state (dense
/// weights, biases, buffers) and masks as every checkpoint has them, the fine-tuner's state, the trainer's state and
/// the progress, each recorded with its size and SHA-256 in the manifest, which is written last.
/// </summary>
internal sealed class PausedRun
{
    /// <summary>The manifest kind of a paused trial's checkpoint.</summary>
    public const string Kind = "paused";

    private readonly byte[] _tuner;
    private readonly byte[] _trainer;

    private PausedRun(string id, StageCheckpoint checkpoint, PausedProgress progress, byte[] tuner, byte[] trainer)
    {
        Id = id;
        Checkpoint = checkpoint;
        Progress = progress;
        _tuner = tuner;
        _trainer = trainer;
    }

    public string Id { get; }

    /// <summary>The model with the paused state loaded, and the masks; the caller disposes it.</summary>
    public StageCheckpoint Checkpoint { get; }

    public PausedProgress Progress { get; }

    /// <summary>The fine-tuner as it was, over the layers of <see cref="Checkpoint"/>'s model.</summary>
    public FocusedFineTuner Tuner(IReadOnlyList<(ShadowedWeight Weight, bool[] Mask)> layers, QuantizationOptions options, FineTuneSchedule schedule, IReadOnlyDictionary<string, int>? bitsPerLayer)
    {
        using var reader = new BinaryReader(new MemoryStream(_tuner), Encoding.UTF8);
        return FocusedFineTuner.ReadState(reader, layers, options, schedule, bitsPerLayer);
    }

    /// <summary>Puts the trainer's state (optimiser, generator, counters) back into a trainer of the checkpoint's model.</summary>
    public void LoadTrainer(Trainer trainer) => trainer.LoadState(new MemoryStream(_trainer));

    /// <summary>
    /// The paused checkpoint <paramref name="id"/> of <paramref name="spec"/>, or null, with a warning, when it is not in the
    /// store or is damaged (a damaged one is set aside): the trial then starts again from its pruned checkpoint. A
    /// checkpoint of another trial, or not a paused one, is refused (ArgumentException): resuming it would be wrong, not slow.
    /// </summary>
    public static PausedRun? TryOpen(TrialSpec spec, CheckpointStore store, string id, string prunedId, IProgress<PipelineProgress> progress)
    {
        void Restart(string why)
        {
            var message = $"cannot resume trial from {id} ({why}); fine-tuning starts again from {prunedId}";
            store.Warn(message);
            progress.Report(new PipelineProgress(PipelineStage.Quantize, 0, message) { Notice = true });
        }

        if (!store.Exists(StageNames.Manifest(id)))
        {
            Restart($"it is not in the checkpoint store {store.Root}");
            return null;
        }
        if (!StageCheckpoint.IsReusable(store, id))
        {
            Restart("it is damaged and was set aside");
            return null;
        }
        var manifest = StageCheckpoint.ReadManifest(store, id);
        if (manifest.Kind != Kind) throw new ArgumentException($"Checkpoint '{id}' is a {manifest.Kind} checkpoint, not a paused trial.");
        PausedProgress? state;
        try
        {
            state = JsonSerializer.Deserialize<PausedProgress>(store.ReadText(StageNames.PausedProgress(id)), ReportJson.Options);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or IOException)
        {
            state = null;
        }
        if (state is null || state.Summaries is null || state.Recoveries is null || state.Rungs is null || state.Settings is null)
        {
            store.SetAside(id, $"its progress {StageNames.PausedProgress(id)} does not parse");
            Restart("its progress does not parse");
            return null;
        }
        if (state.Settings != spec.Canonical || state.PrunedId != prunedId)
            throw new ArgumentException($"Checkpoint '{id}' was paused by another trial ({state.Settings}), not by {spec.Canonical}.");
        byte[] Read(string name)
        {
            using var stream = store.Open(name);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
        StageCheckpoint checkpoint;
        byte[] tuner, trainer;
        try
        {
            tuner = Read(StageNames.FineTunerState(id));
            trainer = Read(StageNames.TrainerState(id));
            checkpoint = StageCheckpoint.Load(store, id);
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException)
        {
            if (store.Exists(StageNames.Manifest(id))) store.SetAside(id, e.Message);
            Restart(e.Message.TrimEnd('.'));
            return null;
        }
        if (checkpoint.Masks is null)
        {
            checkpoint.Dispose();
            store.SetAside(id, "it has no masks");
            Restart("it has no masks");
            return null;
        }
        return new PausedRun(id, checkpoint, state, tuner, trainer);
    }

    /// <summary>
    /// Saves the trial paused after <see cref="PausedProgress.EpochsDone"/> epochs under <see cref="TrialSpec.PausedId"/>
    /// (of <paramref name="owner"/>) and returns that id. Take it between epochs, with the model holding its dense weights (as it does after a step).
    /// </summary>
    public static string Save(
        TrialSpec spec, CheckpointStore store, PausedProgress state, nn.Module<Tensor, Tensor> model, IReadOnlyList<(string Name, bool[] Mask)> masks,
        CheckpointManifest pruned, FocusedFineTuner tuner, Trainer trainer, string? owner)
    {
        var id = spec.PausedId(state.EpochsDone, owner);
        return store.WithLock(id, () =>
        {
            store.Save(StageNames.Masks(id), stream => MaskFile.Write(stream, masks));
            store.Save(StageNames.FineTunerState(id), stream =>
            {
                using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
                tuner.WriteState(writer);
            });
            store.Save(StageNames.TrainerState(id), trainer.SaveState);
            store.SaveText(StageNames.PausedProgress(id), JsonSerializer.Serialize(state, ReportJson.Options));
            BaselineStage.Save(store, id, string.Create(CultureInfo.InvariantCulture, $"{spec.Canonical}|after {state.EpochsDone}|state 1"), Kind, pruned.Model, pruned.Dataset,
                StageCheckpoint.ParseShape(pruned.Shape), model, parent: state.PrunedId, state.Recoveries,
                StageNames.Masks(id), StageNames.FineTunerState(id), StageNames.TrainerState(id), StageNames.PausedProgress(id));
            return id;
        });
    }
}

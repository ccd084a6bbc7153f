using System.Globalization;
using System.Text.Json;
using FocusedQuantization.Compression.Models;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Training;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Stages;

/// <summary>A stage checkpoint loaded from the store: its manifest, a fresh model holding its state, and its masks.</summary>
public sealed class StageCheckpoint : IDisposable
{
    private StageCheckpoint(CheckpointManifest manifest, nn.Module<Tensor, Tensor> model, IReadOnlyList<(string Name, bool[] Mask)>? masks)
    {
        Manifest = manifest;
        Model = model;
        Masks = masks;
    }

    /// <summary>What the checkpoint is.</summary>
    public CheckpointManifest Manifest { get; }

    /// <summary>A model of its own (no other caller shares it) with the checkpoint's state loaded.</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>The pruning masks in layer order (true = kept); null for a baseline.</summary>
    public IReadOnlyList<(string Name, bool[] Mask)>? Masks { get; }

    /// <summary>The manifest of <paramref name="id"/>; <see cref="FileNotFoundException"/> when no stage has made it yet.</summary>
    public static CheckpointManifest ReadManifest(CheckpointStore store, string id)
    {
        ArgumentNullException.ThrowIfNull(store);
        var name = StageNames.Manifest(id);
        if (!store.Exists(name))
            throw new FileNotFoundException($"Checkpoint '{id}' is not in the store {store.Root}: run the stage that makes it first.", store.PathOf(name));
        try
        {
            return JsonSerializer.Deserialize<CheckpointManifest>(store.ReadText(name), ReportJson.Options)
                ?? throw new InvalidDataException($"The manifest of checkpoint '{id}' is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The manifest of checkpoint '{id}' is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>
    /// Loads checkpoint <paramref name="id"/> into a new model (and its masks, when it has them), after checking its files
    /// against the sizes and hashes the manifest recorded; <see cref="InvalidDataException"/> says what is damaged.
    /// </summary>
    public static StageCheckpoint Load(CheckpointStore store, string id)
    {
        var manifest = ReadManifest(store, id);
        if (FilesProblem(store, id, manifest) is { } problem) throw new InvalidDataException($"Checkpoint '{id}' in {store.Root} is damaged: {problem}.");
        var model = ModelZoo.Create(manifest.Model, ParseShape(manifest.Shape), seed: 0);
        try
        {
            using (var stream = store.Open(StageNames.Checkpoint(id))) Checkpoint.Load(model, stream, store.PathOf(StageNames.Checkpoint(id)));
            IReadOnlyList<(string, bool[])>? masks = null;
            if (store.Exists(StageNames.Masks(id)))
            {
                using var stream = store.Open(StageNames.Masks(id));
                masks = MaskFile.Read(stream, store.PathOf(StageNames.Masks(id)));
                if (!masks.Select(m => m.Item1).SequenceEqual(manifest.Layers))
                    throw new InvalidDataException($"The masks of checkpoint '{id}' do not name the layers its manifest lists.");
            }
            return new StageCheckpoint(manifest, model, masks);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whether checkpoint <paramref name="id"/> is in the store, whole, and can be used as it is. A damaged one (a manifest
    /// that does not parse, a file missing, truncated or changed) is set aside (<see cref="CheckpointStore.SetAside"/>)
    /// and false returned, so the caller makes it again rather than failing on it every time.
    /// </summary>
    public static bool IsReusable(CheckpointStore store, string id)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!store.Exists(StageNames.Manifest(id))) return false;
        string? problem;
        try
        {
            problem = Problem(store, id);
        }
        catch (FileNotFoundException)
        {
            // Set aside meanwhile by another caller on this store: it is not there to be reused.
            return false;
        }
        if (problem is null) return true;
        store.SetAside(id, problem);
        return false;
    }

    /// <summary>What is wrong with a checkpoint whose manifest is there, or null when nothing is.</summary>
    private static string? Problem(CheckpointStore store, string id)
    {
        try
        {
            var manifest = ReadManifest(store, id);
            if (manifest.Files is not null) return FilesProblem(store, id, manifest);
            // Written before files were recorded: loading it whole is what a truncated state file fails.
            using var loaded = Load(store, id);
            return null;
        }
        catch (InvalidDataException e)
        {
            return e.Message;
        }
    }

    private static string? FilesProblem(CheckpointStore store, string id, CheckpointManifest manifest) =>
        manifest.Id != id ? $"its manifest names checkpoint '{manifest.Id}'"
        : manifest.Files?.Select(store.Mismatch).FirstOrDefault(m => m is not null);

    /// <summary>"channels,height,width,classes" of a model shape.</summary>
    public static string FormatShape(ModelShape shape) => ModelState.FormatShape(shape);

    /// <summary>Parses "channels,height,width,classes".</summary>
    public static ModelShape ParseShape(string text)
    {
        var parts = text.Split(',');
        var values = new int[parts.Length];
        if (parts.Length != 4 || !parts.Select((p, i) => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i])).All(ok => ok))
            throw new InvalidDataException($"Shape '{text}' is not channels,height,width,classes.");
        return new ModelShape(values[0], values[1], values[2], values[3]);
    }

    /// <summary>Frees the model.</summary>
    public void Dispose() => Model.Dispose();
}

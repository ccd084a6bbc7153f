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

    /// <summary>Loads checkpoint <paramref name="id"/> into a new model (and its masks, when it has them).</summary>
    public static StageCheckpoint Load(CheckpointStore store, string id)
    {
        var manifest = ReadManifest(store, id);
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

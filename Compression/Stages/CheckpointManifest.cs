namespace FocusedQuantization.Compression.Stages;

/// <summary>
/// What a stage's checkpoint holds, stored beside it as <c>{Id}.json</c> and written last, so its presence means the
/// checkpoint is complete: the model and data set it belongs to, the input shape, the quantizable layers with their
/// weight counts, the checkpoint it was made from, and the size and hash of each file it consists of.
/// </summary>
/// <param name="Id">The checkpoint's id.</param>
/// <param name="Kind">"baseline" or "pruned".</param>
/// <param name="Model">Canonical model name.</param>
/// <param name="Dataset">Canonical data set name.</param>
/// <param name="Shape">"channels,height,width,classes".</param>
/// <param name="Layers">Quantizable layers (parameter names) in model order.</param>
/// <param name="LayerWeights">Weights of each layer, in the same order.</param>
/// <param name="Parent">The checkpoint this one was made from; null for a baseline.</param>
/// <param name="Settings">The canonical settings string the id was hashed from.</param>
/// <param name="Files">The model state and masks files with their sizes and hashes; null in manifests written before they were recorded.</param>
/// <param name="Recoveries">Divergences the stage recovered from while making the checkpoint; null in older manifests.</param>
public sealed record CheckpointManifest(
    string Id,
    string Kind,
    string Model,
    string Dataset,
    string Shape,
    IReadOnlyList<string> Layers,
    IReadOnlyList<int> LayerWeights,
    string? Parent,
    string Settings,
    IReadOnlyList<CheckpointFile>? Files = null,
    IReadOnlyList<FocusedQuantization.Compression.Training.TrainingRecovery>? Recoveries = null);

using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Models;
using FocusedQuantization.Compression.Pipeline;

namespace FocusedQuantization.Compression.Inference;

/// <summary>
/// A whole compressed model evaluated shift-only: every quantized convolution and linear layer runs as a
/// <see cref="ShiftConv2d"/> or <see cref="ShiftLinear"/> on int8 activations, everything else (biases, ReLU,
/// pooling, batch norm, residual sums) in float.
/// </summary>
/// <remarks>
/// Each quantized layer's input is quantized per image and per tensor by <see cref="ActivationQuantizer.ForData"/>:
/// its scale is that tensor's largest magnitude over 127, so no calibration data is needed and one image's result
/// does not depend on the others evaluated with it. The layer order is the one of the model's forward in
/// Compression/Models, written out per model in <see cref="ShiftArchitectures"/>.
/// </remarks>
public sealed class ShiftNetwork
{
    private readonly IReadOnlyList<IShiftStage> stages;

    private ShiftNetwork(string modelName, ModelShape shape, IReadOnlyList<IShiftStage> stages, int quantizedLayers)
    {
        ModelName = modelName;
        Shape = shape;
        this.stages = stages;
        QuantizedLayerCount = quantizedLayers;
    }

    /// <summary>The canonical model name (see <see cref="ModelZoo.Names"/>).</summary>
    public string ModelName { get; }

    /// <summary>The input geometry and number of classes.</summary>
    public ModelShape Shape { get; }

    /// <summary>How many layers run shift-only.</summary>
    public int QuantizedLayerCount { get; }

    /// <summary>Floats in one input image (channels x height x width).</summary>
    public int ImageSize => Shape.Channels * Shape.Height * Shape.Width;

    /// <summary>The models a shift-only network can be built for.</summary>
    public static IReadOnlyList<string> SupportedModels => ShiftArchitectures.Names;

    /// <summary>Builds the shift-only network of a decoded .fqz model.</summary>
    /// <exception cref="ArgumentException">The model is not one of <see cref="SupportedModels"/>, or a quantized
    /// layer's parameters cannot be run shift-only.</exception>
    /// <exception cref="InvalidDataException">The file lacks a tensor the model needs, holds one it does not use, or
    /// a tensor has the wrong shape.</exception>
    public static ShiftNetwork FromCompressed(CompressedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var name = ModelZoo.Canonicalize(model.ModelName);
        var parts = new ShiftParts(model);
        var stages = ShiftArchitectures.Build(name, parts);
        parts.RequireAllUsed();
        return new ShiftNetwork(name, ModelState.ShapeOf(model), stages, model.Layers.Count);
    }

    /// <summary>The logits of one image laid out as channels x height x width.</summary>
    public float[] Forward(ReadOnlySpan<float> image)
    {
        if (image.Length != ImageSize)
            throw new ArgumentException(
                $"An image of {ModelName} has {ImageSize} values ({Shape.Channels}x{Shape.Height}x{Shape.Width}), not {image.Length}.",
                nameof(image));
        // A copy: stages such as ReLU work in place.
        var x = new FeatureMap(image.ToArray(), Shape.Channels, Shape.Height, Shape.Width);
        foreach (var stage in stages) x = stage.Forward(x);
        if (x.Values.Length != Shape.Classes)
            throw new InvalidOperationException($"{ModelName} produced {x.Values.Length} logits, not {Shape.Classes}.");
        return x.Values;
    }
}

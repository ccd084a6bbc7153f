using FocusedQuantization.Compression.Quantization;
using FocusedQuantization.Compression.Training;

namespace FocusedQuantization.Compression.Retraining;

/// <summary>
/// Quantization-aware fine-tuning with focused quantization: the quantized share of every layer grows along the
/// schedule (smallest quantization error first); quantized weights enter the forward pass as alpha * Q(w); the
/// per-layer scale alpha is learned. In <see cref="FineTuneMode.Ste"/> mode the gradient of quantized weights updates
/// their dense weights (straight-through estimator) and the mixture, component assignments and bias are re-estimated
/// on the epochs the schedule marks; in <see cref="FineTuneMode.Inq"/> mode quantized weights are frozen and the plan
/// is kept. Pruned weights stay zero.
/// </summary>
public sealed class FocusedFineTuner : IRestorableHooks
{
    private readonly IReadOnlyList<FocusedLayer> _layers;
    private readonly IReadOnlyList<FineTuneEpoch> _epochs;
    private FineTuneEpoch _current;

    /// <summary>Plans every layer from its current dense weights and pruning mask.</summary>
    public FocusedFineTuner(IEnumerable<(ShadowedWeight Weight, bool[] Mask)> layers, QuantizationOptions options, FineTuneSchedule schedule)
        : this(layers, options, schedule, bitsPerLayer: null)
    {
    }

    /// <summary>
    /// Plans every layer from its current dense weights and pruning mask, layer i with the seed options.Seed + 7919 i
    /// and the width <paramref name="bitsPerLayer"/> gives its weight's name (options.Bits for a layer it leaves out).
    /// </summary>
    public FocusedFineTuner(
        IEnumerable<(ShadowedWeight Weight, bool[] Mask)> layers, QuantizationOptions options, FineTuneSchedule schedule, IReadOnlyDictionary<string, int>? bitsPerLayer)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(schedule);
        _layers = layers.Select((l, i) => new FocusedLayer(l.Weight, l.Mask, LayerOptions(options, bitsPerLayer, l.Weight.Name, i), schedule.Mode)).ToArray();
        _epochs = schedule.Expand();
        _current = _epochs[0];
    }

    private FocusedFineTuner(IReadOnlyList<FocusedLayer> layers, FineTuneSchedule schedule)
    {
        _layers = layers;
        _epochs = schedule.Expand();
        _current = _epochs[0];
    }

    /// <summary>
    /// A fine-tuner as <see cref="WriteState"/> saved it (after some epochs), over <paramref name="layers"/> whose
    /// parameters hold the saved dense weights, with the options and schedule of the trial that saved it. No layer is
    /// planned again: the plans, quantized sets and scales are the saved ones, so training goes on exactly as it would
    /// have. <see cref="InvalidDataException"/> when the state is damaged or belongs to other layers.
    /// </summary>
    public static FocusedFineTuner ReadState(
        BinaryReader reader, IReadOnlyList<(ShadowedWeight Weight, bool[] Mask)> layers, QuantizationOptions options, FineTuneSchedule schedule,
        IReadOnlyDictionary<string, int>? bitsPerLayer)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(schedule);
        try
        {
            var count = reader.ReadInt32();
            if (count != layers.Count) throw new InvalidDataException($"The saved fine-tuning state has {count} layers; the model has {layers.Count}.");
            var restored = layers.Select((l, i) => FocusedLayer.ReadState(reader, l.Weight, l.Mask, LayerOptions(options, bitsPerLayer, l.Weight.Name, i), schedule.Mode)).ToArray();
            return new FocusedFineTuner(restored, schedule);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The saved fine-tuning state is truncated.", e);
        }
    }

    /// <summary>Writes every layer's state (see <see cref="FocusedLayer"/>); take it between epochs.</summary>
    public void WriteState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(_layers.Count);
        foreach (var layer in _layers) layer.WriteState(writer);
    }

    private static QuantizationOptions LayerOptions(QuantizationOptions options, IReadOnlyDictionary<string, int>? bitsPerLayer, string name, int index) => options with
    {
        Seed = options.Seed + LayerSeedStride * index,
        Bits = bitsPerLayer is not null && bitsPerLayer.TryGetValue(name, out var bits) ? bits : options.Bits,
    };

    /// <summary>
    /// Puts into every layer's parameter the weights a rung evaluation looks at (see <see cref="FocusedLayer.RungWeights"/>)
    /// and returns the action that puts the parameters back exactly as they were. Take it between epochs.
    /// </summary>
    public Action LoadRungWeights(bool snapped)
    {
        var saved = new List<(FocusedLayer Layer, float[] Values)>(_layers.Count);
        try
        {
            foreach (var layer in _layers)
            {
                var current = new float[layer.Weight.Count];
                layer.Weight.CopyParameterTo(current);
                var rung = new float[current.Length];
                layer.RungWeights(current, rung, snapped);
                saved.Add((layer, current));
                layer.Weight.LoadParameter(rung);
            }
        }
        catch
        {
            foreach (var (layer, values) in saved) layer.Weight.LoadParameter(values);
            throw;
        }
        return () =>
        {
            foreach (var (layer, values) in saved) layer.Weight.LoadParameter(values);
        };
    }

    /// <summary>
    /// Every layer's parameters and symbols if it were quantized now under its current plan (from the weights the
    /// parameters hold): what the size estimate codes. Changes no state.
    /// </summary>
    public IReadOnlyList<(string Name, int[] Shape, LayerQuantization Parameters, int[] Symbols)> SnappedLayers()
    {
        var result = new List<(string, int[], LayerQuantization, int[])>(_layers.Count);
        foreach (var layer in _layers)
        {
            var dense = new float[layer.Weight.Count];
            layer.Weight.CopyParameterTo(dense);
            var (parameters, symbols) = layer.SnappedSymbols(dense);
            result.Add((layer.Weight.Name, layer.Weight.Shape, parameters, symbols));
        }
        return result;
    }

    /// <summary>Layer i is planned with the seed options.Seed + LayerSeedStride * i, so that layers draw independently.</summary>
    public const int LayerSeedStride = LayerPlanner.LayerSeedStride;

    /// <summary>The epochs this fine-tuner expects the trainer to run, with their learning rates.</summary>
    public IReadOnlyList<FineTuneEpoch> Epochs => _epochs;

    /// <summary>The layers, with their current plan and learned scale.</summary>
    public IReadOnlyList<FocusedLayer> Layers => _layers;

    /// <summary>
    /// Multiplies the schedule's learning rate of alpha; default 1. A retried epoch sets it to the factor its trainer's
    /// rate was cut by, so that alpha and the weights slow down together.
    /// </summary>
    public double LearningRateScale
    {
        get;
        set => field = value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The scale must be positive and finite.");
    } = 1.0;

    /// <inheritdoc />
    public Action SaveState()
    {
        var current = _current;
        var layers = _layers.Select(l => l.SaveState()).ToArray();
        return () =>
        {
            _current = current;
            foreach (var restore in layers) restore();
        };
    }

    /// <inheritdoc />
    public void OnEpochStart(int epoch)
    {
        _current = _epochs[Math.Min(epoch, _epochs.Count - 1)];
        foreach (var layer in _layers)
        {
            layer.CaptureDense();
            layer.ThrowIfDenseNonFinite();
            if (_current.Reestimate) layer.Reestimate();
            if (_current.StartsStep) layer.GrowQuantizedSet(_current.QuantizedFraction);
        }
    }

    /// <inheritdoc />
    public void BeforeForward(long step)
    {
        foreach (var layer in _layers)
        {
            layer.CaptureDense();
            layer.ComputeEffective();
            layer.Weight.LoadEffective();
        }
    }

    /// <inheritdoc />
    public void BeforeOptimizerStep(long step)
    {
        foreach (var layer in _layers)
        {
            layer.ApplyGradient(_current.LearningRate * LearningRateScale);
            layer.Weight.RestoreDense();
        }
    }

    /// <summary>
    /// Quantizes every weight (the end of the schedule), loads alpha * Q(w) into the model, and returns each layer's
    /// final parameters and symbols.
    /// </summary>
    public IReadOnlyList<(string Name, int[] Shape, LayerQuantization Parameters, int[] Symbols)> Finish()
    {
        var result = new List<(string, int[], LayerQuantization, int[])>();
        foreach (var layer in _layers)
        {
            layer.CaptureDense();
            layer.GrowQuantizedSet(1.0);
            layer.ComputeEffective();
            layer.Weight.LoadEffective();
            result.Add((layer.Weight.Name, layer.Weight.Shape, layer.FinalParameters, layer.Symbols.ToArray()));
        }
        return result;
    }
}

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
        _layers = layers.Select((l, i) => new FocusedLayer(l.Weight, l.Mask, options with
        {
            Seed = options.Seed + LayerSeedStride * i,
            Bits = bitsPerLayer is not null && bitsPerLayer.TryGetValue(l.Weight.Name, out var bits) ? bits : options.Bits,
        }, schedule.Mode)).ToArray();
        _epochs = schedule.Expand();
        _current = _epochs[0];
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

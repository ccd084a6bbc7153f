using FocusedQuantization.Compression.Quantization;
using FocusedQuantization.Compression.Training;

namespace FocusedQuantization.Compression.Retraining;

/// <summary>One layer under focused fine-tuning: its plan, quantized set, learned scale and buffers.</summary>
public sealed class FocusedLayer
{
    private readonly QuantizationOptions _options;
    private readonly bool[] _inQuantizedSet;
    // INQ only: each frozen weight's symbol and dense value when it joined the set.
    private readonly int[]? _frozenSymbols;
    private readonly float[]? _frozenDense;
    // Kept weights (the mask's true entries); the pruning mask is fixed during fine-tuning.
    private readonly int _kept;
    private float[] _levels = [];
    private LayerPlan _plan;
    private int _reestimations;

    internal FocusedLayer(ShadowedWeight weight, bool[] mask, QuantizationOptions options, FineTuneMode mode = FineTuneMode.Ste)
        : this(weight, mask, options, mode, restored: null)
    {
    }

    // A new layer plans from its dense weights; one restored from WriteState takes its saved plan and separation.
    private FocusedLayer(ShadowedWeight weight, bool[] mask, QuantizationOptions options, FineTuneMode mode, (LayerPlan Plan, double Separation)? restored)
    {
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown fine-tuning mode.");
        if (mask.Length != weight.Count) throw new ArgumentException($"Mask of {weight.Name} has {mask.Length} entries for {weight.Count} weights.");
        Weight = weight;
        Mask = mask;
        _options = options;
        _inQuantizedSet = new bool[weight.Count];
        foreach (var keep in mask) if (keep) _kept++;
        Symbols = new int[weight.Count];
        FineTune = mode;
        if (mode == FineTuneMode.Inq)
        {
            _frozenSymbols = new int[weight.Count];
            _frozenDense = new float[weight.Count];
        }
        if (restored is { } saved)
        {
            _plan = saved.Plan;
            ModeSeparation = saved.Separation;
            return;
        }
        ThrowIfDenseNonFinite();
        _plan = Plan();
        ModeSeparation = _plan.Separation;
    }

    /// <summary>How weights in the quantized set are trained.</summary>
    public FineTuneMode FineTune { get; }

    /// <summary>
    /// The separation of the plan that chose the layer's mode: the first one. Re-estimation keeps the mode, so the
    /// current plan's separation may since have drifted to the other side of w_sep.
    /// </summary>
    public double ModeSeparation { get; }

    /// <summary>The weight and its dense copy.</summary>
    public ShadowedWeight Weight { get; }

    /// <summary>Pruning mask (true = kept); fixed during fine-tuning.</summary>
    public bool[] Mask { get; }

    /// <summary>The learned per-layer scale, starting at 1.</summary>
    public float Alpha { get; private set; } = 1f;

    /// <summary>The current symbols of every weight under the current plan.</summary>
    public int[] Symbols { get; }

    /// <summary>The current plan: mode, bias, means, sigma and component assignments.</summary>
    public LayerPlan CurrentPlan => _plan;

    private LayerPlan Plan() => LayerPlanner.Plan(Weight.Dense, Mask, _options);

    /// <summary>The plan's parameters with the learned scale.</summary>
    public LayerQuantization FinalParameters => _plan.Parameters with { Alpha = Alpha };

    /// <summary>Whether weight <paramref name="index"/> is in the quantized set.</summary>
    public bool IsQuantized(int index) => _inQuantizedSet[index];

    /// <summary>Number of weights currently in the quantized set.</summary>
    public int QuantizedCount { get; private set; }

    /// <summary>
    /// Throws <see cref="TrainingDivergedException"/> naming the layer when a dense weight is NaN or infinite; the
    /// planner must never see one (it would refuse it as bad input).
    /// </summary>
    public void ThrowIfDenseNonFinite()
    {
        var index = NonFinite.IndexOf(Weight.Dense);
        if (index >= 0)
            throw new TrainingDivergedException($"weight {Weight.Name} {TrainingDivergedException.Describe(Weight.Dense[index])} at index {index}", Weight.Name);
    }

    /// <summary>Copies the layer's state (plan, quantized set, alpha, frozen weights) and returns the action that puts it back.</summary>
    internal Action SaveState()
    {
        var (plan, levels, alpha, count, reestimations) = (_plan, _levels, Alpha, QuantizedCount, _reestimations);
        var quantized = (bool[])_inQuantizedSet.Clone();
        var frozenSymbols = (int[]?)_frozenSymbols?.Clone();
        var frozenDense = (float[]?)_frozenDense?.Clone();
        return () =>
        {
            (_plan, _levels, Alpha, QuantizedCount, _reestimations) = (plan, levels, alpha, count, reestimations);
            quantized.CopyTo(_inQuantizedSet, 0);
            frozenSymbols?.CopyTo(_frozenSymbols!, 0);
            frozenDense?.CopyTo(_frozenDense!, 0);
        };
    }

    /// <summary>
    /// Copies the parameter into the dense weights; in INQ mode then puts every frozen weight back to its value when it
    /// froze, because the optimiser's momentum keeps moving it after its gradient is zeroed.
    /// </summary>
    public void CaptureDense()
    {
        Weight.CaptureDense();
        if (_frozenDense is null || QuantizedCount == 0) return;
        var dense = Weight.Dense;
        for (var i = 0; i < dense.Length; i++)
        {
            if (_inQuantizedSet[i]) dense[i] = _frozenDense[i];
        }
    }

    /// <summary>
    /// Re-fits the mixture, re-samples the component assignments and re-chooses the bias, keeping alpha. Refused in
    /// INQ mode once a weight is frozen: its symbol decodes through the bias, means and sigma, which must not move.
    /// </summary>
    public void Reestimate()
    {
        if (FineTune == FineTuneMode.Inq && QuantizedCount > 0)
            throw new InvalidOperationException($"Layer {Weight.Name} has frozen weights (INQ mode); re-estimating its plan would move them.");
        ThrowIfDenseNonFinite();
        _reestimations++;
        _plan = _plan.Reestimate(Weight.Dense, Mask, Alpha, _options.Seed + 104729 * _reestimations);
        _levels = [];
    }

    /// <summary>Adds the not-yet-quantized kept weights with the smallest quantization error until the set holds
    /// <paramref name="fraction"/> of the kept weights.</summary>
    public void GrowQuantizedSet(double fraction)
    {
        EnsureSymbols();
        var target = (int)Math.Round(fraction * _kept, MidpointRounding.AwayFromZero);
        var remaining = _kept - QuantizedCount;
        var toAdd = Math.Min(remaining, target - QuantizedCount);
        if (toAdd <= 0) return;
        // Made here, not kept: the set grows a few times per schedule, and two layer-sized buffers held through every
        // training step would be two more copies of the weights.
        var errors = new float[remaining];
        var candidates = new int[remaining];
        var count = 0;
        for (var i = 0; i < Mask.Length; i++)
        {
            if (!Mask[i] || _inQuantizedSet[i]) continue;
            errors[count] = MathF.Abs(Weight.Dense[i] - Alpha * _levels[Symbols[i]]);
            candidates[count++] = i;
        }
        Array.Sort(errors, candidates, 0, count);
        for (var j = 0; j < toAdd; j++)
        {
            var i = candidates[j];
            _inQuantizedSet[i] = true;
            if (_frozenSymbols is null || _frozenDense is null) continue;
            _frozenSymbols[i] = Symbols[i];
            _frozenDense[i] = Weight.Dense[i];
        }
        QuantizedCount += toAdd;
    }

    /// <summary>Computes the forward-pass weights: 0 where pruned, alpha * Q(w) where quantized, w elsewhere.</summary>
    public void ComputeEffective()
    {
        EnsureSymbols();
        var dense = Weight.Dense;
        var effective = Weight.Effective;
        for (var i = 0; i < effective.Length; i++)
        {
            effective[i] = !Mask[i] ? 0f : _inQuantizedSet[i] ? Alpha * _levels[Symbols[i]] : dense[i];
        }
    }

    /// <summary>
    /// Learns alpha from the gradient of the quantized weights (dL/dalpha = sum of g * Q(w)), and zeroes the gradient
    /// of pruned weights so that they stay pruned, and in INQ mode of frozen weights. A non-finite gradient of a kept
    /// weight, or a non-finite step of alpha, throws <see cref="TrainingDivergedException"/> naming the layer (Math.Clamp
    /// would pass a NaN alpha on).
    /// </summary>
    public void ApplyGradient(double learningRate) => Weight.UpdateGradient(gradient => ApplyGradient(gradient, learningRate));

    // On the CPU the gradient is the parameter's own, changed in place: no layer-sized copy is held for it.
    private void ApplyGradient(Span<float> gradient, double learningRate)
    {
        double alphaGradient = 0;
        // A double sum of float gradients cannot overflow, so it is non-finite exactly when a kept gradient is.
        double gradientSum = 0;
        for (var i = 0; i < gradient.Length; i++)
        {
            if (!Mask[i])
            {
                gradient[i] = 0f;
                continue;
            }
            gradientSum += gradient[i];
            if (!_inQuantizedSet[i]) continue;
            alphaGradient += gradient[i] * _levels[Symbols[i]];
            if (FineTune == FineTuneMode.Inq) gradient[i] = 0f;
        }
        if (!double.IsFinite(gradientSum))
        {
            var index = NonFinite.IndexOf(gradient);
            throw new TrainingDivergedException($"gradient of {Weight.Name} {TrainingDivergedException.Describe(gradient[index])} at index {index}", Weight.Name);
        }
        // As in learned step-size quantization, the scale's gradient is damped by 1/sqrt(n): it sums over every
        // quantized weight and would otherwise swamp the per-weight learning rate.
        if (QuantizedCount > 0)
        {
            var step = learningRate * alphaGradient / Math.Sqrt(QuantizedCount);
            if (!double.IsFinite(step))
                throw new TrainingDivergedException($"alpha of {Weight.Name} stepped by {TrainingDivergedException.Describe(step)}", Weight.Name);
            Alpha = (float)Math.Clamp(Alpha - step, 0.25, 4.0);
        }
    }

    /// <summary>
    /// Writes into <paramref name="into"/> the weights this layer would put in the forward pass for the dense weights
    /// <paramref name="dense"/> (read from the parameter by the caller): with <paramref name="snapped"/> every kept
    /// weight as alpha * Q(w) under the current plan (as if the schedule ended now), otherwise the training-time mix
    /// (quantized set quantized, the rest dense). Changes none of the layer's state, so evaluating the result leaves
    /// fine-tuning exactly where it was.
    /// </summary>
    public void RungWeights(float[] dense, float[] into, bool snapped)
    {
        ArgumentNullException.ThrowIfNull(dense);
        ArgumentNullException.ThrowIfNull(into);
        if (dense.Length != Mask.Length || into.Length != Mask.Length)
            throw new ArgumentException($"Layer {Weight.Name} has {Mask.Length} weights.");
        // As CaptureDense does: frozen (INQ) weights count at the value they froze at.
        var weights = dense;
        if (_frozenDense is not null && QuantizedCount > 0)
        {
            weights = (float[])dense.Clone();
            for (var i = 0; i < weights.Length; i++) if (_inQuantizedSet[i]) weights[i] = _frozenDense[i];
        }
        var symbols = _plan.Symbolize(weights, Mask);
        if (_frozenSymbols is not null && QuantizedCount > 0)
            for (var i = 0; i < symbols.Length; i++) if (_inQuantizedSet[i]) symbols[i] = _frozenSymbols[i];
        var levels = Levels();
        for (var i = 0; i < into.Length; i++)
            into[i] = !Mask[i] ? 0f : snapped || _inQuantizedSet[i] ? Alpha * levels[symbols[i]] : weights[i];
    }

    /// <summary>
    /// The parameters and symbols the layer would be coded with if every weight were quantized now under the current
    /// plan, from the dense weights <paramref name="dense"/>: what the size estimate before fine-tuning codes.
    /// </summary>
    public (LayerQuantization Parameters, int[] Symbols) SnappedSymbols(float[] dense)
    {
        ArgumentNullException.ThrowIfNull(dense);
        var symbols = _plan.Symbolize(dense, Mask);
        if (_frozenSymbols is not null && QuantizedCount > 0)
            for (var i = 0; i < symbols.Length; i++) if (_inQuantizedSet[i]) symbols[i] = _frozenSymbols[i];
        return (FinalParameters, symbols);
    }

    // The unit levels of the current plan, without caching them (callers that must not change the layer's state).
    private float[] Levels()
    {
        if (_levels.Length > 0) return _levels;
        var unit = _plan.Parameters with { Alpha = 1f };
        var levels = new float[unit.SymbolCount];
        for (var s = 0; s < levels.Length; s++) levels[s] = unit.Dequantize(s);
        return levels;
    }

    /// <summary>
    /// Writes what fine-tuning needs to go on from here in another process: the plan (parameters, mixture,
    /// assignments, the seed it was drawn with), alpha, the quantized set, the re-estimation count, the separation that
    /// chose the mode and, in INQ mode, the frozen symbols and values. The dense weights are the model's and are saved with it.
    /// </summary>
    internal void WriteState(BinaryWriter writer)
    {
        writer.Write(Weight.Name);
        writer.Write(Mask.Length);
        writer.Write(ModeSeparation);
        writer.Write(Alpha);
        writer.Write(QuantizedCount);
        writer.Write(_reestimations);
        var p = _plan.Parameters;
        writer.Write((byte)p.Mode);
        writer.Write(p.Bits);
        writer.Write(p.Bias);
        writer.Write(p.MuNegative);
        writer.Write(p.MuPositive);
        writer.Write(p.Sigma);
        writer.Write(p.Alpha);
        var m = _plan.Mixture;
        foreach (var value in new[] { m.MuNegative, m.SigmaNegative, m.MuPositive, m.SigmaPositive, m.WeightNegative, m.WeightPositive, m.LogLikelihood })
            writer.Write(value);
        writer.Write(m.Iterations);
        writer.Write(_plan.WeightVariance);
        writer.Write(_plan.Separation);
        writer.Write(_plan.Options.Seed);
        var assignments = _plan.Assignments;
        var bytes = new byte[assignments.Length];
        for (var i = 0; i < bytes.Length; i++) bytes[i] = (byte)assignments[i];
        writer.Write(bytes);
        writer.Write(Pack(_inQuantizedSet));
        writer.Write(_frozenSymbols is not null);
        if (_frozenSymbols is null || _frozenDense is null) return;
        foreach (var symbol in _frozenSymbols) writer.Write(symbol);
        foreach (var value in _frozenDense) writer.Write(value);
    }

    /// <summary>
    /// A layer as <see cref="WriteState"/> saved it, over <paramref name="weight"/> (whose parameter holds the saved dense
    /// weights) with <paramref name="options"/> as the trial gives them; <see cref="InvalidDataException"/> when the
    /// saved state does not belong to this layer.
    /// </summary>
    internal static FocusedLayer ReadState(BinaryReader reader, ShadowedWeight weight, bool[] mask, QuantizationOptions options, FineTuneMode mode)
    {
        var name = reader.ReadString();
        var count = reader.ReadInt32();
        if (name != weight.Name || count != weight.Count || mask.Length != count)
            throw new InvalidDataException($"The saved fine-tuning state is of layer {name} ({count} weights), not of {weight.Name} ({weight.Count}).");
        var modeSeparation = reader.ReadDouble();
        var alpha = reader.ReadSingle();
        var quantizedCount = reader.ReadInt32();
        var reestimations = reader.ReadInt32();
        var quantizationMode = (QuantizationMode)reader.ReadByte();
        if (!Enum.IsDefined(quantizationMode)) throw new InvalidDataException($"The saved plan of {name} has an unknown mode.");
        var parameters = new LayerQuantization(quantizationMode, reader.ReadInt32(), reader.ReadInt32(), reader.ReadSingle(), reader.ReadSingle(), reader.ReadSingle(), reader.ReadSingle());
        if (parameters.Bits != options.Bits) throw new InvalidDataException($"The saved plan of {name} is {parameters.Bits}-bit; the trial quantizes it at {options.Bits}.");
        var values = new double[7];
        for (var i = 0; i < values.Length; i++) values[i] = reader.ReadDouble();
        var mixture = new GaussianMixture(values[0], values[1], values[2], values[3], values[4], values[5], reader.ReadInt32(), values[6]);
        var variance = reader.ReadDouble();
        var separation = reader.ReadDouble();
        var seed = reader.ReadInt32();
        var bytes = ReadExactly(reader, count, name);
        var assignments = new MixtureComponent[count];
        for (var i = 0; i < count; i++)
        {
            assignments[i] = (MixtureComponent)bytes[i];
            if (!Enum.IsDefined(assignments[i])) throw new InvalidDataException($"The saved plan of {name} has an unknown component at {i}.");
        }
        var plan = new LayerPlan(parameters, mixture, variance, separation, assignments, options with { Seed = seed });
        var layer = new FocusedLayer(weight, mask, options, mode, (plan, modeSeparation))
        {
            Alpha = alpha,
            QuantizedCount = quantizedCount,
        };
        layer._reestimations = reestimations;
        Unpack(ReadExactly(reader, (count + 7) / 8, name), layer._inQuantizedSet);
        if (layer._inQuantizedSet.Count(q => q) != quantizedCount) throw new InvalidDataException($"The saved quantized set of {name} does not hold {quantizedCount} weights.");
        var frozen = reader.ReadBoolean();
        if (frozen != (mode == FineTuneMode.Inq)) throw new InvalidDataException($"The saved state of {name} is of the other fine-tuning mode.");
        if (layer._frozenSymbols is not null && layer._frozenDense is not null)
        {
            for (var i = 0; i < count; i++) layer._frozenSymbols[i] = reader.ReadInt32();
            for (var i = 0; i < count; i++) layer._frozenDense[i] = reader.ReadSingle();
        }
        return layer;
    }

    private static byte[] Pack(bool[] bits)
    {
        var packed = new byte[(bits.Length + 7) / 8];
        for (var i = 0; i < bits.Length; i++) if (bits[i]) packed[i >> 3] |= (byte)(1 << (i & 7));
        return packed;
    }

    private static void Unpack(byte[] packed, bool[] bits)
    {
        for (var i = 0; i < bits.Length; i++) bits[i] = (packed[i >> 3] & (1 << (i & 7))) != 0;
    }

    private static byte[] ReadExactly(BinaryReader reader, int count, string layer)
    {
        var bytes = reader.ReadBytes(count);
        return bytes.Length == count ? bytes : throw new InvalidDataException($"The saved fine-tuning state of {layer} is truncated.");
    }

    private void EnsureSymbols()
    {
        if (_levels.Length == 0)
        {
            var unit = _plan.Parameters with { Alpha = 1f };
            _levels = new float[unit.SymbolCount];
            for (var s = 0; s < _levels.Length; s++) _levels[s] = unit.Dequantize(s);
        }
        // As in the paper, the symbol is chosen for the dense weight itself and alpha only scales its level.
        _plan.Symbolize(Weight.Dense, Mask, Symbols);
        if (_frozenSymbols is null || QuantizedCount == 0) return;
        for (var i = 0; i < Symbols.Length; i++)
        {
            if (_inQuantizedSet[i]) Symbols[i] = _frozenSymbols[i];
        }
    }
}

using FocusedQuantization.Compression.Pruning;
using FocusedQuantization.Compression.Training;

namespace FocusedQuantization.Compression.Retraining;

/// <summary>
/// Dynamic network surgery while training: the forward pass sees W * mask, the gradient updates every dense weight
/// (so pruned weights can grow back), and the mask is updated with hysteresis every few steps. Per-layer targets are
/// reached gradually (cubic ramp over the first two thirds of training), which costs less accuracy than pruning
/// at once; with a fixed DNS alpha the threshold is mean|W| + alpha std|W| throughout.
/// </summary>
public sealed class PruningRetrainer : IRestorableHooks
{
    private readonly IReadOnlyList<ShadowedWeight> _weights;
    private readonly bool[][] _masks;
    private readonly double[]? _targetSparsities;
    private readonly double? _alpha;
    private readonly long _totalSteps;
    private readonly int _updateEvery;

    /// <summary>Prunes towards per-layer target sparsities.</summary>
    public static PruningRetrainer ToSparsity(IReadOnlyList<ShadowedWeight> weights, double[] targetSparsities, long totalSteps, int updateEvery = 50) =>
        new(weights, targetSparsities, null, totalSteps, updateEvery);

    /// <summary>Prunes with DNS's threshold mean|W| + alpha std|W| in every layer.</summary>
    public static PruningRetrainer WithAlpha(IReadOnlyList<ShadowedWeight> weights, double alpha, long totalSteps, int updateEvery = 50) =>
        new(weights, null, alpha, totalSteps, updateEvery);

    private PruningRetrainer(IReadOnlyList<ShadowedWeight> weights, double[]? targets, double? alpha, long totalSteps, int updateEvery)
    {
        if (targets is not null && targets.Length != weights.Count) throw new ArgumentException("One target sparsity per layer is needed.");
        if (updateEvery < 1) throw new ArgumentOutOfRangeException(nameof(updateEvery));
        _weights = weights;
        _targetSparsities = targets;
        _alpha = alpha;
        _totalSteps = Math.Max(1, totalSteps);
        _updateEvery = updateEvery;
        _masks = weights.Select(w => Enumerable.Repeat(true, w.Count).ToArray()).ToArray();
    }

    /// <summary>The current masks (true = kept), one per layer.</summary>
    public IReadOnlyList<bool[]> Masks => _masks;

    /// <inheritdoc />
    public Action SaveState()
    {
        var masks = _masks.Select(m => (bool[])m.Clone()).ToArray();
        return () =>
        {
            for (var l = 0; l < _masks.Length; l++) masks[l].CopyTo(_masks[l], 0);
        };
    }

    /// <inheritdoc />
    public void BeforeForward(long step)
    {
        var update = step % _updateEvery == 0;
        for (var l = 0; l < _weights.Count; l++)
        {
            var weight = _weights[l];
            weight.CaptureDense();
            if (update) UpdateMask(l, step);
            var mask = _masks[l];
            for (var i = 0; i < weight.Count; i++) weight.Effective[i] = mask[i] ? weight.Dense[i] : 0f;
            weight.LoadEffective();
        }
    }

    /// <inheritdoc />
    public void BeforeOptimizerStep(long step)
    {
        foreach (var weight in _weights) weight.RestoreDense();
    }

    /// <summary>Applies the final masks to the model for good: pruned weights become zero.</summary>
    public void Finish()
    {
        for (var l = 0; l < _weights.Count; l++)
        {
            var weight = _weights[l];
            weight.CaptureDense();
            // The last mask is a plain cut at the target threshold: hysteresis would leave the layer short of it.
            var threshold = Threshold(l, _totalSteps);
            DnsPruner.InitialMask(weight.Dense, threshold, _masks[l]);
            for (var i = 0; i < weight.Count; i++) weight.Effective[i] = _masks[l][i] ? weight.Dense[i] : 0f;
            weight.LoadEffective();
            weight.CaptureDense();
        }
    }

    private void UpdateMask(int layer, long step) =>
        DnsPruner.UpdateMask(_weights[layer].Dense, Threshold(layer, step), _masks[layer]);

    private float Threshold(int layer, long step)
    {
        var dense = _weights[layer].Dense;
        if (_targetSparsities is null) return DnsThreshold.Compute(dense, _alpha!.Value);
        var progress = Math.Min(1.0, step / (_totalSteps * 2.0 / 3.0));
        var target = _targetSparsities[layer] * (1 - Math.Pow(1 - progress, 3));
        return DnsPruner.FindAlpha(dense, target).Threshold;
    }
}

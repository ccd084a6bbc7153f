using TorchSharp;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Training.Optimization;

/// <summary>
/// SGD with momentum, optional Nesterov momentum and L2 weight decay, with PyTorch's update rule:
/// d = g + wd p; b = m b + d (b = d on the first step); d = nesterov ? d + m b : b; p -= lr d.
/// Used instead of TorchSharp's optim.SGD, whose step passes temporary Scalars that the finalizer can free in the
/// middle of the native call (see <see cref="HeldScalar"/>); every Scalar here lives as long as the optimiser.
/// </summary>
public sealed class SgdOptimizer : IParameterOptimizer
{
    private readonly TorchSharp.Modules.Parameter[] _parameters;
    private readonly Tensor?[] _momentum;
    private readonly double _momentumFactor;
    private readonly bool _nesterov;
    private readonly double _weightDecay;
    private readonly HeldScalar _negativeRate;
    private readonly HeldScalar _momentumScalar;
    private readonly HeldScalar _weightDecayScalar;
    private readonly HeldScalar _one;

    public SgdOptimizer(IEnumerable<TorchSharp.Modules.Parameter> parameters, double learningRate, double momentum = 0, double weightDecay = 0, bool nesterov = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(learningRate > 0) || double.IsInfinity(learningRate)) throw new ArgumentException($"Learning rate must be positive and finite, got {learningRate}.");
        if (momentum is < 0 or >= 1) throw new ArgumentException($"Momentum must be in [0, 1), got {momentum}.");
        if (!(weightDecay >= 0)) throw new ArgumentException($"Weight decay must not be negative, got {weightDecay}.");
        if (nesterov && momentum == 0) throw new ArgumentException("Nesterov momentum needs a momentum above 0.");
        _parameters = parameters.ToArray();
        _momentum = new Tensor?[_parameters.Length];
        _momentumFactor = momentum;
        _nesterov = nesterov;
        _weightDecay = weightDecay;
        _negativeRate = new HeldScalar(-learningRate);
        _momentumScalar = new HeldScalar(momentum);
        _weightDecayScalar = new HeldScalar(weightDecay);
        _one = new HeldScalar(1.0);
    }

    /// <inheritdoc />
    public double LearningRate
    {
        get => -_negativeRate.Value;
        set
        {
            if (!(value > 0) || double.IsInfinity(value)) throw new ArgumentException($"Learning rate must be positive and finite, got {value}.", nameof(value));
            _negativeRate.Set(-value);
        }
    }

    /// <inheritdoc />
    public void ZeroGrad()
    {
        foreach (var parameter in _parameters)
        {
            using var gradient = parameter.grad;
            gradient?.zero_();
        }
    }

    /// <inheritdoc />
    public void Step()
    {
        using var noGrad = torch.no_grad();
        for (var i = 0; i < _parameters.Length; i++)
        {
            var parameter = _parameters[i];
            using var gradient = parameter.grad;
            if (gradient is null) continue;
            using var decayed = _weightDecay != 0 ? gradient.add(parameter, _weightDecayScalar.Scalar) : null;
            var direction = decayed ?? gradient;
            Tensor? nesterovDirection = null;
            try
            {
                if (_momentumFactor != 0)
                {
                    if (_momentum[i] is not { } buffer)
                    {
                        buffer = direction.clone().DetachFromDisposeScope();
                        _momentum[i] = buffer;
                    }
                    else
                    {
                        buffer.mul_(_momentumScalar.Scalar).add_(direction, _one.Scalar);
                    }
                    if (_nesterov)
                    {
                        nesterovDirection = direction.add(buffer, _momentumScalar.Scalar);
                        direction = nesterovDirection;
                    }
                    else
                    {
                        direction = buffer;
                    }
                }
                parameter.add_(direction, _negativeRate.Scalar);
            }
            finally
            {
                nesterovDirection?.Dispose();
            }
        }
    }

    /// <inheritdoc />
    public OptimizerState SaveState() => new(this, 0, _momentum);

    /// <inheritdoc />
    public void LoadState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!ReferenceEquals(state.Owner, this)) throw new ArgumentException("The state was saved by another optimiser.", nameof(state));
        state.CopyInto(0, _momentum);
    }

    /// <summary>Frees the momentum buffers and the held Scalars (not the parameters).</summary>
    public void Dispose()
    {
        foreach (var buffer in _momentum) buffer?.Dispose();
        _negativeRate.Dispose();
        _momentumScalar.Dispose();
        _weightDecayScalar.Dispose();
        _one.Dispose();
    }
}

using TorchSharp;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Training.Optimization;

/// <summary>
/// Adam (Kingma and Ba) with L2 weight decay added to the gradient, as torch.optim.Adam computes it, holding every
/// Scalar it passes to torch for the length of the call (see <see cref="HeldScalar"/>).
/// </summary>
public sealed class AdamOptimizer : IParameterOptimizer
{
    private readonly TorchSharp.Modules.Parameter[] _parameters;
    private readonly Tensor?[] _firstMoment;
    private readonly Tensor?[] _secondMoment;
    private readonly double _beta1;
    private readonly double _beta2;
    private readonly double _epsilon;
    private readonly double _weightDecay;
    private readonly HeldScalar _beta1Scalar;
    private readonly HeldScalar _beta2Scalar;
    private readonly HeldScalar _oneMinusBeta1;
    private readonly HeldScalar _oneMinusBeta2;
    private readonly HeldScalar _weightDecayScalar;
    private double _learningRate;
    private long _steps;

    public AdamOptimizer(IEnumerable<TorchSharp.Modules.Parameter> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(learningRate > 0) || double.IsInfinity(learningRate)) throw new ArgumentException($"Learning rate must be positive and finite, got {learningRate}.");
        if (beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1) throw new ArgumentException($"Adam's betas must be in [0, 1), got {beta1} and {beta2}.");
        if (!(epsilon > 0)) throw new ArgumentException($"Adam's epsilon must be positive, got {epsilon}.");
        if (!(weightDecay >= 0)) throw new ArgumentException($"Weight decay must not be negative, got {weightDecay}.");
        _parameters = parameters.ToArray();
        _firstMoment = new Tensor?[_parameters.Length];
        _secondMoment = new Tensor?[_parameters.Length];
        _learningRate = learningRate;
        (_beta1, _beta2, _epsilon, _weightDecay) = (beta1, beta2, epsilon, weightDecay);
        _beta1Scalar = new HeldScalar(beta1);
        _beta2Scalar = new HeldScalar(beta2);
        _oneMinusBeta1 = new HeldScalar(1 - beta1);
        _oneMinusBeta2 = new HeldScalar(1 - beta2);
        _weightDecayScalar = new HeldScalar(weightDecay);
    }

    /// <inheritdoc />
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            if (!(value > 0) || double.IsInfinity(value)) throw new ArgumentException($"Learning rate must be positive and finite, got {value}.", nameof(value));
            _learningRate = value;
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
        _steps++;
        var correction1 = 1 - Math.Pow(_beta1, _steps);
        var correction2 = 1 - Math.Pow(_beta2, _steps);
        using var negativeStepSize = (-_learningRate / correction1).ToScalar();
        using var correction2Root = Math.Sqrt(correction2).ToScalar();
        using var epsilon = _epsilon.ToScalar();
        using var noGrad = torch.no_grad();
        for (var i = 0; i < _parameters.Length; i++)
        {
            var parameter = _parameters[i];
            using var gradient = parameter.grad;
            if (gradient is null) continue;
            using var decayed = _weightDecay != 0 ? gradient.add(parameter, _weightDecayScalar.Scalar) : null;
            var g = decayed ?? gradient;
            var first = _firstMoment[i] ??= torch.zeros_like(parameter).DetachFromDisposeScope();
            var second = _secondMoment[i] ??= torch.zeros_like(parameter).DetachFromDisposeScope();
            first.mul_(_beta1Scalar.Scalar).add_(g, _oneMinusBeta1.Scalar);
            second.mul_(_beta2Scalar.Scalar).addcmul_(g, g, _oneMinusBeta2.Scalar);
            using var root = second.sqrt();
            using var denominator = root.div_(correction2Root).add_(epsilon);
            parameter.addcdiv_(first, denominator, negativeStepSize);
        }
    }

    /// <inheritdoc />
    public OptimizerState SaveState() => new(this, _steps, _firstMoment, _secondMoment);

    /// <inheritdoc />
    public void LoadState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!ReferenceEquals(state.Owner, this)) throw new ArgumentException("The state was saved by another optimiser.", nameof(state));
        state.CopyInto(0, _firstMoment);
        state.CopyInto(1, _secondMoment);
        _steps = state.Steps;
    }

    /// <summary>Frees the moment estimates and the held Scalars (not the parameters).</summary>
    public void Dispose()
    {
        foreach (var moment in _firstMoment.Concat(_secondMoment)) moment?.Dispose();
        _beta1Scalar.Dispose();
        _beta2Scalar.Dispose();
        _oneMinusBeta1.Dispose();
        _oneMinusBeta2.Dispose();
        _weightDecayScalar.Dispose();
    }
}

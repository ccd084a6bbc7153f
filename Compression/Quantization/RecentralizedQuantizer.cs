namespace FocusedQuantization.Compression.Quantization;

/// <summary>
/// Focused quantization around a component mean: Q(x) = Shift.Quantize((x - mu_c) / Sigma) * Sigma + mu_c.
/// </summary>
public sealed record RecentralizedQuantizer(ShiftQuantizer Shift, float MuNegative, float MuPositive, float Sigma)
{
    /// <summary>The mean of one component.</summary>
    public float Mean(MixtureComponent component) =>
        component == MixtureComponent.Negative ? MuNegative : MuPositive;

    /// <summary>Quantizes one value with the levels focused on the given component.</summary>
    public float Quantize(float x, MixtureComponent component)
    {
        var mu = Mean(component);
        return Shift.Quantize((x - mu) / Sigma) * Sigma + mu;
    }
}

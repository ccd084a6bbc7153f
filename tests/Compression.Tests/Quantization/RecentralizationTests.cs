using FocusedQuantization.Compression.Quantization;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Quantization;

public class RecentralizationTests
{
    [Fact]
    public void Separation_is_the_squared_wasserstein_distance_over_the_variance()
    {
        var mixture = new GaussianMixture(-0.3, 0.1, 0.5, 0.2, 0.5, 0.5, 1, 0);
        // ((-0.3 - 0.5)^2 + (0.1 - 0.2)^2) / 0.04 = (0.64 + 0.01) / 0.04
        Assert.Equal(16.25, Recentralization.Separation(mixture, 0.04), 1e-12);
        Assert.Equal(0, Recentralization.Separation(mixture, 0));
    }

    [Theory]
    [InlineData(1.99, QuantizationMode.Shift)]
    [InlineData(2.0, QuantizationMode.Recentralized)]
    [InlineData(7.5, QuantizationMode.Recentralized)]
    public void Mode_switches_to_recentralized_at_the_threshold(double separation, QuantizationMode expected) =>
        Assert.Equal(expected, Recentralization.ChooseMode(separation));

    [Theory]
    [InlineData(0.03, 0.03125)]
    [InlineData(0.046, 0.03125)]   // below 1.5 * 2^-5 = 0.046875
    [InlineData(0.046875, 0.0625)] // the midpoint rounds up
    [InlineData(-0.1, -0.125)]
    [InlineData(1.45, 1.0)]        // linear domain: log-domain rounding would give 2
    [InlineData(0.5, 0.5)]
    [InlineData(0.0, 0.0)]
    public void Means_round_to_the_nearest_power_of_two_in_the_linear_domain_keeping_sign(double mean, float expected) =>
        Assert.Equal(expected, Recentralization.RoundToPowerOfTwo(mean));

    [Fact]
    public void Tied_sigma_is_the_pooled_within_component_deviation()
    {
        var mixture = new GaussianMixture(-1, 0.1, 1, 0.3, 0.25, 0.75, 1, 0);
        // sqrt(0.25 * 0.01 + 0.75 * 0.09) = sqrt(0.07)
        Assert.Equal(Math.Sqrt(0.07), Recentralization.TiedSigma(mixture), 1e-6);
    }

    [Fact]
    public void Sampled_assignments_follow_the_posterior_responsibility()
    {
        // Equal weights and unit deviations at -1 and +1: the log-odds of Positive are exactly 2x.
        var mixture = new GaussianMixture(-1, 1, 1, 1, 0.5, 0.5, 1, 0);
        float[] points = [-1f, -0.3f, 0f, 0.4f, 1.2f];
        const int copies = 4_000;
        var weights = points.SelectMany(p => Enumerable.Repeat(p, copies)).ToArray();
        var assignments = new MixtureComponent[weights.Length];

        Recentralization.SampleAssignments(mixture, weights, Samples.AllKept(weights.Length), new Random(7), assignments);

        double chiSquare = 0;
        for (var j = 0; j < points.Length; j++)
        {
            var p = 1 / (1 + Math.Exp(-2.0 * points[j]));
            var positives = assignments.Skip(j * copies).Take(copies).Count(c => c == MixtureComponent.Positive);
            var expected = copies * p;
            chiSquare += (positives - expected) * (positives - expected) / (copies * p * (1 - p));
            // Sampling, not argmax: the less likely component still turns up about as often as its posterior says.
            Assert.InRange(positives, expected - 5 * Math.Sqrt(copies * p * (1 - p)), expected + 5 * Math.Sqrt(copies * p * (1 - p)));
        }
        Assert.True(chiSquare < 20.5, $"chi-square {chiSquare} over 5 bins exceeds the 0.1 % critical value");
    }

    [Fact]
    public void Pruned_weights_take_the_likelier_component_and_draw_no_random_numbers()
    {
        var mixture = new GaussianMixture(-1, 1, 1, 1, 0.5, 0.5, 1, 0);
        float[] kept = [0.1f, -0.2f, 0.05f, 0.3f, -0.1f, 0f];
        float[] weights = [0.1f, 5f, -0.2f, 0.05f, -5f, 0.3f, -0.1f, 0f];
        bool[] mask = [true, false, true, true, false, true, true, true];
        var alone = new MixtureComponent[kept.Length];
        var mixed = new MixtureComponent[weights.Length];

        Recentralization.SampleAssignments(mixture, kept, Samples.AllKept(kept.Length), new Random(8), alone);
        Recentralization.SampleAssignments(mixture, weights, mask, new Random(8), mixed);

        Assert.Equal(MixtureComponent.Positive, mixed[1]);
        Assert.Equal(MixtureComponent.Negative, mixed[4]);
        Assert.Equal(alone, mixed.Where((_, i) => mask[i]).ToArray());
    }
}

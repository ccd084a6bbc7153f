using FocusedQuantization.Compression.Quantization;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Quantization;

public class GaussianMixtureFitTests
{
    [Fact]
    public void EM_recovers_the_parameters_of_a_sampled_mixture()
    {
        var values = Samples.Mixture(20_000, 0.4, -0.05, 0.012, 0.04, 0.015, seed: 1);
        var fit = GaussianMixtureFit.Fit(values);

        Assert.Equal(-0.05, fit.MuNegative, 0.002);
        Assert.Equal(0.012, fit.SigmaNegative, 0.0015);
        Assert.Equal(0.04, fit.MuPositive, 0.002);
        Assert.Equal(0.015, fit.SigmaPositive, 0.0015);
        Assert.Equal(0.4, fit.WeightNegative, 0.02);
        Assert.Equal(1.0, fit.WeightNegative + fit.WeightPositive, 1e-12);
        Assert.InRange(fit.Iterations, 1, 99);
    }

    [Fact]
    public void Reported_log_likelihood_is_that_of_the_returned_parameters()
    {
        var values = Samples.Mixture(3_000, 0.5, -1, 0.3, 0.8, 0.5, seed: 2);
        var fit = GaussianMixtureFit.Fit(values);

        double expected = 0;
        foreach (double x in values)
            expected += Math.Log(fit.WeightNegative * Density(x, fit.MuNegative, fit.SigmaNegative)
                                 + fit.WeightPositive * Density(x, fit.MuPositive, fit.SigmaPositive));
        Assert.Equal(expected, fit.LogLikelihood, Math.Abs(expected) * 1e-9);
    }

    [Fact]
    public void Each_EM_iteration_does_not_lower_the_log_likelihood()
    {
        var values = Samples.Mixture(2_000, 0.3, -0.5, 0.4, 0.2, 0.3, seed: 3);
        var previous = double.NegativeInfinity;
        for (var iterations = 1; iterations <= 8; iterations++)
        {
            var fit = GaussianMixtureFit.Fit(values, new MixtureOptions { MaxIterations = iterations, Tolerance = 0 });
            Assert.Equal(iterations, fit.Iterations);
            Assert.True(fit.LogLikelihood >= previous - 1e-9, $"iteration {iterations}: {fit.LogLikelihood} < {previous}");
            previous = fit.LogLikelihood;
        }
    }

    [Fact]
    public void Zeros_and_masked_out_values_are_not_fitted()
    {
        var kept = Samples.Mixture(1_000, 0.5, -1, 0.3, 1, 0.3, seed: 4);
        var values = new float[2_000];
        var mask = new bool[2_000];
        for (var i = 0; i < kept.Length; i++)
        {
            values[2 * i] = kept[i];
            mask[2 * i] = true;
            values[2 * i + 1] = 50f; // masked out: would wreck the fit if it were used
        }
        values[0] = 0f; // a kept zero is ignored too
        var expected = GaussianMixtureFit.Fit(kept.Skip(1).ToArray());

        var fit = GaussianMixtureFit.Fit(values, mask);

        Assert.Equal(expected.MuNegative, fit.MuNegative, 1e-12);
        Assert.Equal(expected.MuPositive, fit.MuPositive, 1e-12);
        Assert.Equal(expected.SigmaPositive, fit.SigmaPositive, 1e-12);
    }

    [Fact]
    public void All_positive_values_still_give_two_ordered_components_on_the_data()
    {
        var values = Samples.Mixture(5_000, 0.5, 1, 0.1, 2, 0.1, seed: 5);
        var fit = GaussianMixtureFit.Fit(values);

        Assert.Equal(1, fit.MuNegative, 0.02);
        Assert.Equal(2, fit.MuPositive, 0.02);
    }

    [Fact]
    public void A_side_with_a_single_value_gives_a_finite_fit()
    {
        float[] values = [-3f, 1f, 1.2f, 0.9f, 1.1f, 1.05f];
        var fit = GaussianMixtureFit.Fit(values);

        Assert.True(double.IsFinite(fit.LogLikelihood));
        Assert.True(fit.SigmaNegative > 0 && fit.SigmaPositive > 0);
        Assert.True(fit.MuNegative < 0 && fit.MuPositive > 0);
    }

    [Fact]
    public void No_nonzero_values_give_an_empty_fit()
    {
        var fit = GaussianMixtureFit.Fit(new float[5]);
        Assert.Equal(new GaussianMixture(0, 0, 0, 0, 0.5, 0.5, 0, 0), fit);
    }

    [Fact]
    public void Identical_values_give_two_zero_width_components_on_them()
    {
        var fit = GaussianMixtureFit.Fit([0.25f, 0.25f, 0.25f]);
        Assert.Equal(new GaussianMixture(0.25, 0, 0.25, 0, 0.5, 0.5, 0, 0), fit);
    }

    [Fact]
    public void The_variance_floor_keeps_a_collapsing_component_finite()
    {
        // Many copies of one value next to a spread-out cloud invite a component to collapse onto the copies.
        var values = Samples.Gaussian(500, 0, 1, seed: 6).Concat(Enumerable.Repeat(2f, 300)).ToArray();
        var fit = GaussianMixtureFit.Fit(values, new MixtureOptions { VarianceFloorRatio = 1e-2 });

        var mean = values.Average(v => (double)v);
        var floor = 1e-2 * values.Average(v => (v - mean) * (v - mean));
        Assert.Equal(floor, fit.SigmaPositive * fit.SigmaPositive, floor * 1e-6);
        Assert.True(fit.SigmaNegative * fit.SigmaNegative > floor);
        Assert.True(double.IsFinite(fit.LogLikelihood));
    }

    [Fact]
    public void Non_finite_values_are_rejected() =>
        Assert.Throws<ArgumentException>(() => GaussianMixtureFit.Fit([1f, float.PositiveInfinity, -1f]));

    private static double Density(double x, double mu, double sigma)
    {
        var z = (x - mu) / sigma;
        return Math.Exp(-0.5 * z * z) / (sigma * Math.Sqrt(2 * Math.PI));
    }
}

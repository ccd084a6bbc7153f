using FocusedQuantization.Compression.Quantization;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Quantization;

/// <summary>The planner's fast paths (SIMD E-step, bounded EM sample, parallel planning, gathered dequantization)
/// against the plain ones.</summary>
public class FastPlanningPathTests
{
    private static readonly MixtureOptions Scalar = new() { Vectorized = false };

    private static void AssertClose(double expected, double actual, double relative) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Max(Math.Abs(expected), 1e-12), $"{actual} differs from {expected}");

    [Theory]
    [InlineData(20_001, 1)]
    [InlineData(3_000, 2)]
    [InlineData(5, 3)]
    public void The_vectorized_E_step_converges_to_the_scalar_fit(int n, int seed)
    {
        var values = Samples.Mixture(n, 0.4, -0.05, 0.012, 0.04, 0.015, seed);

        var vector = GaussianMixtureFit.Fit(values);
        var scalar = GaussianMixtureFit.Fit(values, Scalar);

        AssertClose(scalar.MuNegative, vector.MuNegative, 1e-6);
        AssertClose(scalar.MuPositive, vector.MuPositive, 1e-6);
        AssertClose(scalar.SigmaNegative, vector.SigmaNegative, 1e-6);
        AssertClose(scalar.SigmaPositive, vector.SigmaPositive, 1e-6);
        AssertClose(scalar.WeightPositive, vector.WeightPositive, 1e-6);
        AssertClose(scalar.LogLikelihood, vector.LogLikelihood, 1e-9);
    }

    [Fact]
    public void Thirty_fixed_EM_iterations_stay_within_a_millionth_of_the_scalar_parameters()
    {
        var values = Samples.Mixture(10_000, 0.5, -1, 0.3, 0.8, 0.5, seed: 4);
        var options = new MixtureOptions { Tolerance = 0, MaxIterations = 30 };

        var vector = GaussianMixtureFit.Fit(values, options);
        var scalar = GaussianMixtureFit.Fit(values, options with { Vectorized = false });

        Assert.Equal(30, vector.Iterations);
        // Rounding differences of 1e-16 per sum, amplified over 30 iterations, stay far below the tolerance.
        AssertClose(scalar.MuNegative, vector.MuNegative, 1e-6);
        AssertClose(scalar.MuPositive, vector.MuPositive, 1e-6);
        AssertClose(scalar.WeightPositive, vector.WeightPositive, 1e-6);
    }

    [Fact]
    public void A_layer_within_the_sample_size_is_fitted_on_every_weight()
    {
        var values = Samples.Mixture(4_000, 0.4, -0.05, 0.012, 0.04, 0.015, seed: 5);

        Assert.Equal(GaussianMixtureFit.Fit(values, Scalar), GaussianMixtureFit.Fit(values, Scalar with { MaxSampleSize = 4_000 }));
        Assert.NotEqual(GaussianMixtureFit.Fit(values, Scalar), GaussianMixtureFit.Fit(values, Scalar with { MaxSampleSize = 3_999 }));
    }

    [Fact]
    public void A_layer_past_the_sample_size_is_fitted_on_a_sample_to_within_sampling_error()
    {
        var values = Samples.Mixture(400_000, 0.4, -0.05, 0.012, 0.04, 0.015, seed: 6);

        var all = GaussianMixtureFit.Fit(values, new MixtureOptions { MaxSampleSize = int.MaxValue });
        var sampled = GaussianMixtureFit.Fit(values);
        var again = GaussianMixtureFit.Fit(values);

        Assert.Equal(sampled, again); // the sample is fixed by the weights alone
        // Standard errors at n = 65,536 are about 1e-4 for the means; allow 5 of them.
        Assert.Equal(all.MuNegative, sampled.MuNegative, 5e-4);
        Assert.Equal(all.MuPositive, sampled.MuPositive, 5e-4);
        Assert.Equal(all.SigmaNegative, sampled.SigmaNegative, 5e-4);
        Assert.Equal(all.WeightPositive, sampled.WeightPositive, 0.01);
    }

    [Fact]
    public void The_sample_takes_every_part_of_the_layer_in_proportion()
    {
        // First half of the layer near -1, second near +1: a stratified sample splits exactly in half.
        var values = new float[200_000];
        for (var i = 0; i < values.Length; i++) values[i] = (i < 100_000 ? -1f : 1f) + 1e-3f * (i % 7);
        var fit = GaussianMixtureFit.Fit(values, new MixtureOptions { MaxSampleSize = 1_000 });

        Assert.Equal(0.5, fit.WeightPositive, 1e-9);
    }

    [Fact]
    public void The_planner_uses_the_variance_of_every_kept_weight_even_when_the_fit_is_sampled()
    {
        var values = Samples.Mixture(150_000, 0.45, -0.03, 0.008, 0.05, 0.01, seed: 7);
        var mask = Samples.AllKept(values.Length);

        var plan = LayerPlanner.Plan(values, mask, new QuantizationOptions());

        var mean = values.Average(v => (double)v);
        var variance = values.Sum(v => (v - mean) * (v - mean)) / values.Length;
        Assert.Equal(variance, plan.WeightVariance, variance * 1e-9);
        Assert.Equal(QuantizationMode.Recentralized, plan.Parameters.Mode);
    }

    [Fact]
    public void Planning_all_layers_in_parallel_gives_each_layer_its_sequential_plan()
    {
        var layers = Enumerable.Range(0, 7).Select(i =>
        {
            var w = i % 2 == 0
                ? Samples.Mixture(1_000 + 3_000 * i, 0.45, -0.03, 0.008, 0.05, 0.01, seed: 20 + i)
                : Samples.Gaussian(2_000 * i, 0, 0.02, seed: 20 + i);
            var mask = w.Select((_, j) => j % 5 != 0).ToArray();
            return new LayerWeights(w, mask);
        }).ToArray();
        var options = new QuantizationOptions { Seed = 3 };

        var parallel = LayerPlanner.PlanAll(layers, options, maxDegreeOfParallelism: 4);

        for (var i = 0; i < layers.Length; i++)
        {
            var alone = LayerPlanner.Plan(layers[i].Weights.Span, layers[i].Mask.Span, options with { Seed = 3 + LayerPlanner.LayerSeedStride * i });
            Assert.Equal(alone.Parameters, parallel[i].Parameters);
            Assert.Equal(alone.Mixture, parallel[i].Mixture);
            Assert.True(alone.Assignments.SequenceEqual(parallel[i].Assignments), $"layer {i} assignments differ");
        }
    }

    [Fact]
    public void Pruned_weights_take_the_more_probable_component()
    {
        var weights = Samples.Mixture(20_000, 0.45, -0.03, 0.008, 0.05, 0.01, seed: 8);
        var mask = weights.Select((_, i) => i % 3 == 0).ToArray();
        for (var i = 1; i < weights.Length; i += 6) weights[i] = 0f; // runs of repeated pruned values, as in a pruned layer

        var plan = LayerPlanner.Plan(weights, mask, new QuantizationOptions(), QuantizationMode.Recentralized, 1f);

        for (var i = 0; i < weights.Length; i++)
        {
            if (mask[i]) continue;
            var p = plan.Mixture.PositiveResponsibility(weights[i]);
            if (Math.Abs(p - 0.5) < 1e-12) continue; // a tie within rounding may go either way
            Assert.Equal(p >= 0.5 ? MixtureComponent.Positive : MixtureComponent.Negative, plan.Assignments[i]);
        }
    }

    [Theory]
    [InlineData(QuantizationMode.Shift, 5, 1_003)]
    [InlineData(QuantizationMode.Recentralized, 7, 64)]
    [InlineData(QuantizationMode.Recentralized, 3, 5)]
    public void Gathered_dequantization_gives_each_symbols_own_value(QuantizationMode mode, int bits, int length)
    {
        var p = new LayerQuantization(mode, bits, 4, -0.0625f, 0.125f, 0.03f, 0.9f);
        var random = new Random(bits);
        var symbols = Enumerable.Range(0, length).Select(_ => random.Next(p.SymbolCount)).ToArray();
        var values = new float[length];

        LayerSymbolizer.Dequantize(p, symbols, values);

        Assert.Equal(symbols.Select(p.Dequantize).ToArray(), values);
    }

    [Fact]
    public void A_symbol_outside_the_alphabet_is_reported_at_its_index_inside_a_gathered_block()
    {
        var p = new LayerQuantization(QuantizationMode.Shift, 5, 4, 0f, 0f, 0f, 1f);
        var symbols = new int[64];
        symbols[21] = p.SymbolCount;

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => LayerSymbolizer.Dequantize(p, symbols, new float[64]));

        Assert.Contains("index 21", error.Message);
    }

    [Fact]
    public void The_sample_size_must_be_at_least_two()
    {
        Assert.Equal("MaxSampleSize", Assert.Throws<ArgumentOutOfRangeException>(() => new MixtureOptions { MaxSampleSize = 1 }).ParamName);
        Assert.Equal(65_536, new MixtureOptions().MaxSampleSize);
    }
}

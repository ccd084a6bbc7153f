using FocusedQuantization.Compression.Quantization;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Quantization;

public class LayerPlannerTests
{
    private static readonly float[] Bimodal = Samples.Mixture(6_000, 0.45, -0.03, 0.008, 0.05, 0.01, seed: 11);

    // A dense Gaussian layer: the two fitted components overlap, so its separation stays below 2.
    private static readonly float[] Unimodal = Samples.Gaussian(6_000, 0, 0.02, seed: 12);

    private static bool[] MaskOutEvery(int n, int period) => Enumerable.Range(0, n).Select(i => i % period != 0).ToArray();

    [Fact]
    public void A_bimodal_layer_is_planned_recentralized()
    {
        var plan = LayerPlanner.Plan(Bimodal, Samples.AllKept(Bimodal.Length), new QuantizationOptions());

        Assert.Equal(QuantizationMode.Recentralized, plan.Parameters.Mode);
        Assert.True(plan.Separation >= 2, $"separation {plan.Separation}");
        Assert.Equal(-0.03125f, plan.Parameters.MuNegative);
        Assert.Equal(0.0625f, plan.Parameters.MuPositive); // 0.05 is past 1.5 * 2^-5
        Assert.Equal(1f, plan.Parameters.Alpha);
    }

    [Fact]
    public void A_unimodal_layer_is_planned_shift()
    {
        var plan = LayerPlanner.Plan(Unimodal, Samples.AllKept(Unimodal.Length), new QuantizationOptions());

        Assert.Equal(QuantizationMode.Shift, plan.Parameters.Mode);
        Assert.True(plan.Separation < 2, $"separation {plan.Separation}");
    }

    [Fact]
    public void Separation_is_computed_from_the_fit_and_the_kept_nonzero_variance()
    {
        var mask = MaskOutEvery(Bimodal.Length, 3);
        var plan = LayerPlanner.Plan(Bimodal, mask, new QuantizationOptions());

        var kept = Bimodal.Where((_, i) => mask[i]).Select(v => (double)v).ToArray();
        var mean = kept.Average();
        var variance = kept.Average(v => (v - mean) * (v - mean));
        var m = plan.Mixture;
        var expected = (Math.Pow(m.MuNegative - m.MuPositive, 2) + Math.Pow(m.SigmaNegative - m.SigmaPositive, 2)) / variance;
        Assert.Equal(variance, plan.WeightVariance, variance * 1e-9);
        Assert.Equal(expected, plan.Separation, expected * 1e-9);
    }

    [Fact]
    public void The_5_bit_recentralized_layer_has_4_magnitudes_per_sign_around_each_mean()
    {
        var plan = LayerPlanner.Plan(Bimodal, Samples.AllKept(Bimodal.Length), new QuantizationOptions { Bits = 5 });
        var p = plan.Parameters;
        Assert.Equal(QuantizationMode.Recentralized, p.Mode);
        Assert.Equal(19, p.SymbolCount);

        foreach (var (mu, first) in new[] { (p.MuNegative, 1), (p.MuPositive, 10) })
        {
            var offsets = Enumerable.Range(first, 9).Select(s => (double)p.Dequantize(s) - mu).ToArray();
            Assert.Equal(0, offsets[0], 1e-9);
            var above = offsets.Where(o => o > 1e-9).ToArray();
            var below = offsets.Where(o => o < -1e-9).ToArray();
            Assert.Equal(4, above.Distinct().Count());
            Assert.Equal(4, below.Distinct().Count());
            // Geometric away from the mean: each magnitude doubles the last.
            var sorted = above.Order().ToArray();
            for (var j = 1; j < 4; j++) Assert.Equal(2 * sorted[j - 1], sorted[j], sorted[j] * 1e-6);
        }
    }

    [Fact]
    public void Symbols_round_trip_to_exactly_the_quantized_values()
    {
        var mask = MaskOutEvery(Bimodal.Length, 4);
        foreach (var threshold in new[] { 2.0, double.PositiveInfinity })
        {
            var plan = LayerPlanner.Plan(Bimodal, mask, new QuantizationOptions { SeparationThreshold = threshold });
            var symbols = plan.Symbolize(Bimodal, mask);
            var fromSymbols = new float[Bimodal.Length];
            var quantized = new float[Bimodal.Length];

            plan.Dequantize(symbols, fromSymbols);
            plan.Quantize(Bimodal, mask, quantized);

            Assert.Equal(quantized, fromSymbols);
            for (var i = 0; i < Bimodal.Length; i++)
            {
                Assert.InRange(symbols[i], 0, plan.Parameters.SymbolCount - 1);
                if (!mask[i]) Assert.Equal(0, symbols[i]);
            }
        }
    }

    [Fact]
    public void Recentralized_values_match_the_recentralized_quantizer_on_each_weights_component()
    {
        var mask = MaskOutEvery(Bimodal.Length, 5);
        var plan = LayerPlanner.Plan(Bimodal, mask, new QuantizationOptions { Bits = 7 });
        var p = plan.Parameters;
        var reference = new RecentralizedQuantizer(p.Shift, p.MuNegative, p.MuPositive, p.Sigma);
        var quantized = new float[Bimodal.Length];

        plan.Quantize(Bimodal, mask, quantized);

        for (var i = 0; i < Bimodal.Length; i++)
            Assert.Equal(mask[i] ? reference.Quantize(Bimodal[i], plan.Assignments[i]) : 0f, quantized[i]);
    }

    [Fact]
    public void Recentralized_bias_matches_a_brute_force_search_over_the_normalised_offsets()
    {
        var plan = LayerPlanner.Plan(Bimodal, Samples.AllKept(Bimodal.Length), new QuantizationOptions());
        var p = plan.Parameters;
        var offsets = Bimodal
            .Select((w, i) => (w - (plan.Assignments[i] == MixtureComponent.Negative ? p.MuNegative : p.MuPositive)) / p.Sigma)
            .ToArray();

        // 5-bit recentralized: a 4-bit shift quantizer inside, default rate 1/(2^4 + 1).
        Assert.Equal(BruteForceBias(offsets, exponentBits: 2, rate: 1.0 / 17), p.Bias);
    }

    [Fact]
    public void Shift_bias_matches_a_brute_force_search_over_the_kept_weights()
    {
        var mask = MaskOutEvery(Unimodal.Length, 2);
        var plan = LayerPlanner.Plan(Unimodal, mask, new QuantizationOptions { Bits = 6, OverflowRate = 0.01 });
        var kept = Unimodal.Where((_, i) => mask[i]).ToArray();

        Assert.Equal(4, plan.Parameters.ExponentBits);
        Assert.Equal(BruteForceBias(kept, exponentBits: 4, rate: 0.01), plan.Parameters.Bias);
    }

    [Fact]
    public void Focused_levels_quantize_a_bimodal_layer_with_less_error_than_plain_shift_at_the_same_bits()
    {
        var mask = Samples.AllKept(Bimodal.Length);
        var focused = LayerPlanner.Plan(Bimodal, mask, new QuantizationOptions { Bits = 5 });
        var shift = LayerPlanner.Plan(Bimodal, mask, new QuantizationOptions { Bits = 5, SeparationThreshold = double.PositiveInfinity });
        Assert.Equal(QuantizationMode.Recentralized, focused.Parameters.Mode);
        Assert.Equal(QuantizationMode.Shift, shift.Parameters.Mode);

        Assert.True(MeanSquaredError(focused, mask) < 0.5 * MeanSquaredError(shift, mask));
    }

    [Fact]
    public void Quantization_error_is_the_distance_to_the_quantized_value()
    {
        var mask = MaskOutEvery(Bimodal.Length, 3);
        var plan = LayerPlanner.Plan(Bimodal, mask, new QuantizationOptions());
        var quantized = new float[Bimodal.Length];
        var errors = new float[Bimodal.Length];

        plan.Quantize(Bimodal, mask, quantized);
        plan.QuantizationError(Bimodal, mask, errors);

        for (var i = 0; i < Bimodal.Length; i++) Assert.Equal(MathF.Abs(Bimodal[i] - quantized[i]), errors[i]);
        Assert.Equal(MathF.Abs(Bimodal[0]), errors[0]); // pruned: Q(w) = 0
    }

    [Fact]
    public void Assignments_are_reproducible_from_the_seed_and_vary_with_it()
    {
        // Overlapping components, so that many weights have a real chance of either one.
        var weights = Samples.Mixture(2_000, 0.5, -0.02, 0.01, 0.02, 0.01, seed: 14);
        var mask = Samples.AllKept(weights.Length);
        var a = LayerPlanner.Plan(weights, mask, new QuantizationOptions { Seed = 1 });
        var b = LayerPlanner.Plan(weights, mask, new QuantizationOptions { Seed = 1 });
        var c = LayerPlanner.Plan(weights, mask, new QuantizationOptions { Seed = 2 });
        Assert.Equal(QuantizationMode.Recentralized, a.Parameters.Mode);

        Assert.True(a.Assignments.SequenceEqual(b.Assignments));
        Assert.False(a.Assignments.SequenceEqual(c.Assignments));
    }

    [Fact]
    public void Reestimating_keeps_the_callers_alpha_and_the_mode()
    {
        var mask = Samples.AllKept(Bimodal.Length);
        var plan = LayerPlanner.Plan(Bimodal, mask, new QuantizationOptions());
        var moved = Bimodal.Select(w => w * 1.5f).ToArray();

        var again = plan.Reestimate(moved, mask, alpha: 0.75f);

        Assert.Equal(0.75f, again.Parameters.Alpha);
        Assert.Equal(QuantizationMode.Recentralized, again.Parameters.Mode);
        Assert.Equal(Recentralization.TiedSigma(again.Mixture), again.Parameters.Sigma);
        Assert.Equal(plan.Parameters.Bias, again.Parameters.Bias); // offsets normalised by sigma do not change scale
        Assert.NotEqual(plan.Mixture.MuPositive, again.Mixture.MuPositive);
    }

    [Fact]
    public void Reestimating_can_let_the_separation_change_the_mode()
    {
        var mask = Samples.AllKept(Unimodal.Length);
        var forced = LayerPlanner.Plan(Unimodal, mask, new QuantizationOptions(), QuantizationMode.Recentralized, alpha: 1f);
        Assert.Equal(QuantizationMode.Recentralized, forced.Parameters.Mode);

        Assert.Equal(QuantizationMode.Recentralized, forced.Reestimate(Unimodal, mask, 1f).Parameters.Mode);
        Assert.Equal(QuantizationMode.Shift, forced.Reestimate(Unimodal, mask, 1f, keepMode: false).Parameters.Mode);
    }

    [Fact]
    public void Alpha_scales_every_quantized_value_and_leaves_the_symbols_alone()
    {
        var mask = Samples.AllKept(Bimodal.Length);
        var one = LayerPlanner.Plan(Bimodal, mask, new QuantizationOptions());
        var half = LayerPlanner.Plan(Bimodal, mask, new QuantizationOptions(), mode: null, alpha: 0.5f);
        var q1 = new float[Bimodal.Length];
        var qh = new float[Bimodal.Length];

        one.Quantize(Bimodal, mask, q1);
        half.Quantize(Bimodal, mask, qh);

        Assert.Equal(one.Symbolize(Bimodal, mask), half.Symbolize(Bimodal, mask));
        for (var i = 0; i < q1.Length; i++) Assert.Equal(0.5f * q1[i], qh[i]);
    }

    [Fact]
    public void A_fully_pruned_layer_is_planned_shift_with_every_symbol_zero()
    {
        var mask = new bool[Bimodal.Length];
        var plan = LayerPlanner.Plan(Bimodal, mask, new QuantizationOptions());

        Assert.Equal(QuantizationMode.Shift, plan.Parameters.Mode);
        Assert.All(plan.Symbolize(Bimodal, mask), s => Assert.Equal(0, s));
    }

    [Fact]
    public void A_mask_of_the_wrong_length_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => LayerPlanner.Plan(Bimodal, new bool[3], new QuantizationOptions()));
        Assert.Contains("3", error.Message);
    }

    private static double MeanSquaredError(LayerPlan plan, bool[] mask)
    {
        var quantized = new float[Bimodal.Length];
        plan.Quantize(Bimodal, mask, quantized);
        return Bimodal.Select((w, i) => Math.Pow(w - quantized[i], 2)).Average();
    }

    private static int BruteForceBias(float[] values, int exponentBits, double rate)
    {
        var nonzero = values.Count(v => v != 0);
        for (var bias = 100; bias >= -100; bias--)
        {
            var largest = new ShiftQuantizer(exponentBits, bias).LargestMagnitude;
            if (values.Count(v => v != 0 && MathF.Abs(v) > largest) <= rate * nonzero + 1e-9) return bias;
        }
        throw new InvalidOperationException("no bias fits");
    }
}

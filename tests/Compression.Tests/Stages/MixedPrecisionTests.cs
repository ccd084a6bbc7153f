using CsCheck;
using FocusedQuantization.Compression.Quantization;
using FocusedQuantization.Compression.Stages;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Stages;

public sealed class MixedPrecisionTests
{
    private static LayerSearchPoint Point(int bits, long coded, double top1, double error = 0) =>
        new(bits, QuantizationMode.Shift, coded, error, error, top1);

    [Fact]
    public void The_budget_goes_to_the_layer_that_loses_most_accuracy()
    {
        // 100 weights each; a budget of 4 bits a weight (800 bits) affords one layer at 5 bits and one at 3.
        var sensitive = new LayerSearchResult("a", 100, 0, [Point(3, 300, 80), Point(5, 500, 89)], 90);
        var robust = new LayerSearchResult("b", 100, 0, [Point(3, 300, 89.5), Point(5, 500, 90)], 90);

        var choice = MixedPrecision.Choose([sensitive, robust], 4.0);

        Assert.Equal(5, choice.BitsPerLayer["a"]);
        Assert.Equal(3, choice.BitsPerLayer["b"]);
        Assert.Equal(800, choice.CodedBits);
        Assert.Equal(800, choice.BudgetBits);
        Assert.True(choice.WithinBudget);
        Assert.Equal(1.5, choice.Distortion, 9);
    }

    [Fact]
    public void A_budget_below_the_smallest_widths_takes_the_smallest_everywhere_and_says_so()
    {
        var layers = new[]
        {
            new LayerSearchResult("a", 100, 0, [Point(4, 260, 85), Point(3, 200, 80)], 90),
            new LayerSearchResult("b", 100, 0, [Point(3, 250, 80), Point(6, 600, 90)], 90),
        };

        var choice = MixedPrecision.Choose(layers, 1.0);

        Assert.False(choice.WithinBudget);
        Assert.Equal(3, choice.BitsPerLayer["a"]);
        Assert.Equal(3, choice.BitsPerLayer["b"]);
        Assert.Equal(450, choice.CodedBits);
        Assert.Contains("smallest", choice.Explanation);
    }

    [Fact]
    public void The_choice_matches_brute_force_and_respects_the_budget()
    {
        var point = Gen.Select(Gen.Int[3, 8], Gen.Int[1, 400], Gen.Double[50, 90], Gen.Double[0, 1], (b, c, t, e) => Point(b, c, t, e));
        var layer = Gen.Select(point.Array[1, 4], Gen.Int[1, 100], Gen.Double[80, 95], (points, weights, reference) => (points, weights, reference));
        var instance = Gen.Select(layer.Array[1, 4], Gen.Double[0.5, 12], Gen.Int[0, 1], (l, budget, kind) => (l, budget, kind));

        instance.Sample((raw, budget, kind) =>
        {
            var layers = raw.Select((l, i) => new LayerSearchResult($"l{i}", l.weights, 0, l.points, l.reference)).ToArray();
            var distortion = (MixedPrecisionDistortion)kind;
            var choice = MixedPrecision.Choose(layers, budget, distortion);

            long total = layers.Sum(l => l.Weights);
            var budgetBits = (long)Math.Floor(budget * total);
            var best = BruteForce(layers, budgetBits, total, distortion);
            if (best is null)
            {
                Assert.False(choice.WithinBudget);
                return;
            }
            Assert.True(choice.WithinBudget);
            Assert.True(choice.CodedBits <= budgetBits, $"{choice.CodedBits} bits over a budget of {budgetBits}");
            Assert.Equal(best.Value, choice.Distortion, 9);
            // The reported sum is the sum of the chosen points' costs.
            var chosen = layers.Select(l => l.Points.Where(p => p.Bits == choice.BitsPerLayer[l.Layer])
                .Min(p => MixedPrecision.Cost(l, p, total, distortion))).Sum();
            Assert.True(chosen <= choice.Distortion + 1e-9);
        }, iter: 300);
    }

    [Fact]
    public void A_budget_that_is_not_positive_is_refused()
    {
        var layers = new[] { new LayerSearchResult("a", 10, 0, [Point(3, 10, 80)], 90) };

        Assert.Throws<ArgumentException>(() => MixedPrecision.Choose(layers, 0));
        Assert.Throws<ArgumentException>(() => MixedPrecision.Choose(layers, double.NaN));
    }

    private static double? BruteForce(LayerSearchResult[] layers, long budget, long total, MixedPrecisionDistortion distortion)
    {
        double? best = null;
        void Walk(int k, long bits, double sum)
        {
            if (bits > budget) return;
            if (k == layers.Length)
            {
                if (best is null || sum < best) best = sum;
                return;
            }
            foreach (var p in layers[k].Points) Walk(k + 1, bits + p.CodedBits, sum + MixedPrecision.Cost(layers[k], p, total, distortion));
        }
        Walk(0, 0, 0);
        return best;
    }
}

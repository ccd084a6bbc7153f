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
    public void A_budget_below_the_cheapest_widths_takes_the_cheapest_everywhere_and_says_how_many_bits_they_need()
    {
        var layers = new[]
        {
            new LayerSearchResult("a", 100, 0, [Point(4, 260, 85), Point(3, 200, 80)], 90),
            // A wider point can code smaller (a different mode): the cheapest, not the narrowest, is the least.
            new LayerSearchResult("b", 100, 0, [Point(3, 250, 80), Point(4, 240, 82), Point(6, 600, 90)], 90),
        };

        var choice = MixedPrecision.Choose(layers, 1.0);

        Assert.False(choice.WithinBudget);
        Assert.Equal(3, choice.BitsPerLayer["a"]);
        Assert.Equal(4, choice.BitsPerLayer["b"]);
        Assert.Equal(440, choice.CodedBits);
        Assert.Equal(2.2, choice.SmallestBitsPerWeight, 12);
        Assert.Contains("2.200 bits per weight", choice.Explanation);
        Assert.Contains("budget of 1", choice.Explanation);
    }

    // Measured by the layer search on LeNet-5, Fashion-MNIST, sparsity 0.88 (examples/lenet5-mixed-precision.yaml,
    // 2000 test images; reference top-1 70.9 %), rounded: coded bits, relative error, top-1 per width 3..6.
    private static readonly LayerSearchResult[] LeNet5 =
    [
        Measured("conv1.weight", 500, [(1152, 0.1115, 71.0), (1560, 0.03077, 71.0), (2104, 0.01338, 70.7), (2312, 0.01290, 70.5)]),
        Measured("conv2.weight", 25_000, [(41712, 0.04107, 72.7), (43560, 0.02567, 71.9), (53264, 0.007169, 71.6), (61464, 0.006696, 71.6)]),
        Measured("fc1.weight", 400_000, [(250496, 0.01336, 72.2), (274192, 0.009598, 72.2), (286080, 0.003220, 71.7), (296544, 0.003050, 71.7)]),
        Measured("fc2.weight", 5_000, [(8984, 0.1450, 70.0), (15144, 0.04131, 70.4), (15984, 0.03807, 70.2), (16008, 0.03807, 70.2)]),
    ];

    private static LayerSearchResult Measured(string layer, long weights, (long Coded, double Error, double Top1)[] points) =>
        new(layer, weights, 0, points.Select((p, i) => Point(3 + i, p.Coded, p.Top1, p.Error)).ToArray(), 70.9);

    [Theory]
    // The cheapest widths take 0.702 bits a weight, the least-distortion ones 0.870: budgets between them trade.
    [InlineData(0.72, new[] { 4, 3, 3, 4 })]
    [InlineData(0.80, new[] { 4, 5, 4, 4 })]
    [InlineData(0.90, new[] { 4, 6, 6, 4 })]
    public void Measured_layers_get_the_widths_their_budget_affords(double budget, int[] expected)
    {
        var choice = MixedPrecision.Choose(LeNet5, budget);

        Assert.True(choice.WithinBudget, choice.Explanation);
        Assert.Equal(expected, LeNet5.Select(l => choice.BitsPerLayer[l.Layer]));
        Assert.True(choice.CodedBits <= budget * LeNet5.Sum(l => l.Weights), $"{choice.CodedBits} coded bits over {budget} a weight");
        Assert.True(double.IsFinite(choice.Distortion));
    }

    [Fact]
    public void More_budget_on_measured_layers_never_costs_distortion_and_changes_the_widths()
    {
        var choices = new[] { 0.72, 0.75, 0.8, 0.85, 0.9 }.Select(b => MixedPrecision.Choose(LeNet5, b)).ToArray();

        for (var i = 1; i < choices.Length; i++)
        {
            Assert.True(choices[i].Distortion <= choices[i - 1].Distortion);
            Assert.True(choices[i].CodedBits >= choices[i - 1].CodedBits);
        }
        Assert.Equal(choices.Length, choices.Select(c => string.Join(",", LeNet5.Select(l => c.BitsPerLayer[l.Layer]))).Distinct().Count());
    }

    [Fact]
    public void A_missing_reference_top1_is_refused_rather_than_giving_every_layer_its_cheapest_width()
    {
        // The grain path once rebuilt the results with a NaN reference: every cost NaN, the budget ignored.
        var layers = LeNet5.Select(l => l with { Top1Reference = double.NaN }).ToArray();

        var error = Assert.Throws<ArgumentException>(() => MixedPrecision.Choose(layers, 0.9));
        Assert.Contains("conv1.weight", error.Message);
        Assert.Contains("reference top-1 NaN", error.Message);
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

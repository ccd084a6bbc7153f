using FocusedQuantization.Compression.Quantization;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusedQuantization.Benchmarks.Planning;

/// <summary>
/// The EM of <see cref="GaussianMixtureFit"/> written with TorchSharp tensor operations (float64, whole-tensor
/// E-step, reductions read back for the scalar M-step): the alternative the C# fit is measured against. Same
/// initialisation, same sums, a fixed number of iterations.
/// </summary>
internal static class TorchMixtureFit
{
    public static GaussianMixture Fit(float[] values, bool[] mask, int iterations)
    {
        using var scope = NewDisposeScope();
        var all = tensor(values);
        var keep = tensor(mask).logical_and(all.ne(0));
        var x = all.masked_select(keep).to_type(ScalarType.Float64);
        var count = x.shape[0];
        var center = x.mean().item<double>();
        var y = x - center;
        var variance = (y * y).mean().item<double>();
        var floor = 1e-6 * variance;

        var negative = x.lt(0);
        var xn = x.masked_select(negative);
        var xp = x.masked_select(negative.logical_not());
        var muN = xn.mean().item<double>();
        var varN = Math.Max(xn.var(unbiased: false).item<double>(), floor);
        var muP = xp.mean().item<double>();
        var varP = Math.Max(xp.var(unbiased: false).item<double>(), floor);
        var weightP = 0.5;
        var logLikelihood = 0.0;
        var squares = y * y;
        var sum = y.sum().item<double>();
        var sumSquares = squares.sum().item<double>();

        for (var i = 0; i < iterations; i++)
        {
            using var step = NewDisposeScope();
            var offN = Math.Log(1 - weightP) - 0.5 * Math.Log(varN);
            var offP = Math.Log(weightP) - 0.5 * Math.Log(varP);
            var dn = x - muN;
            var dp = x - muP;
            var logN = offN - (0.5 / varN) * dn * dn;
            var logP = offP - (0.5 / varP) * dp * dp;
            var difference = logP - logN;
            var r = difference.sigmoid();
            logLikelihood = (maximum(logN, logP) + (-difference.abs()).exp().log1p()).sum().item<double>();
            var responsibility = r.sum().item<double>();
            var weighted = (r * y).sum().item<double>();
            var weightedSquares = (r * squares).sum().item<double>();

            var meanP = weighted / responsibility;
            muP = center + meanP;
            varP = Math.Max(weightedSquares / responsibility - meanP * meanP, floor);
            var rn = count - responsibility;
            var meanN = (sum - weighted) / rn;
            muN = center + meanN;
            varN = Math.Max((sumSquares - weightedSquares) / rn - meanN * meanN, floor);
            weightP = responsibility / count;
        }
        var (lowMu, lowVar, lowWeight, highMu, highVar, highWeight) = muN <= muP
            ? (muN, varN, 1 - weightP, muP, varP, weightP)
            : (muP, varP, weightP, muN, varN, 1 - weightP);
        return new GaussianMixture(lowMu, Math.Sqrt(lowVar), highMu, Math.Sqrt(highVar), lowWeight, highWeight, iterations, logLikelihood);
    }
}

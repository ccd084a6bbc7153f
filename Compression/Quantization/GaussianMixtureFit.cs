using System.Buffers;
using System.Runtime.Intrinsics;

namespace FocusedQuantization.Compression.Quantization;

/// <summary>
/// Fits a two-component 1-D Gaussian mixture to a layer's nonzero weights by expectation-maximisation,
/// initialised from the sign split (paper, section 3).
/// </summary>
public static class GaussianMixtureFit
{
    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>Fits the mixture to the nonzero values of a span.</summary>
    public static GaussianMixture Fit(ReadOnlySpan<float> values, MixtureOptions? options = null) =>
        Fit(values, default, options);

    /// <summary>
    /// Fits the mixture to the values that are nonzero and kept by the mask (true = kept; an empty mask keeps all).
    /// </summary>
    /// <remarks>
    /// Initialisation: mu-, sigma- from the negative values and mu+, sigma+ from the positive ones, mixing weights 1/2.
    /// A side holding a single value takes the standard deviation of all values; when one side is empty the values
    /// are split at their mean instead, so that both components start on data. With no values the result has zero
    /// means and deviations; with a single distinct value both components sit on it with zero deviation. Each EM
    /// iteration is one pass over the values (responsibility-weighted sums of the values and their squares, taken
    /// about the overall mean to keep the variances accurate). A layer with more than
    /// <see cref="MixtureOptions.MaxSampleSize"/> such values is fitted on a stratified sample of that many, and the
    /// log-likelihood is then that of the sample.
    /// </remarks>
    public static GaussianMixture Fit(ReadOnlySpan<float> values, ReadOnlySpan<bool> mask, MixtureOptions? options = null) =>
        Fit(values, mask, options, out _);

    /// <summary>
    /// <see cref="Fit(ReadOnlySpan{float}, ReadOnlySpan{bool}, MixtureOptions?)"/>, also giving the population
    /// variance of all the included values (not only of the sample), which the planner needs and the fit computes anyway.
    /// </summary>
    internal static GaussianMixture Fit(ReadOnlySpan<float> values, ReadOnlySpan<bool> mask, MixtureOptions? options, out double includedVariance)
    {
        options ??= new MixtureOptions();
        if (!mask.IsEmpty && mask.Length != values.Length)
            throw new ArgumentException(
                $"The mask has {mask.Length} entries but there are {values.Length} values.", nameof(mask));
        // The included values, in order, gathered once without branches: in a pruned layer they are a small share,
        // and every later pass then runs over them alone. Same values in the same order, so the same sums.
        var buffer = ArrayPool<float>.Shared.Rent(Math.Max(values.Length, 1));
        try
        {
            var n = 0;
            if (mask.IsEmpty)
            {
                for (var i = 0; i < values.Length; i++)
                {
                    buffer[n] = values[i];
                    n += values[i] != 0f ? 1 : 0;
                }
            }
            else
            {
                for (var i = 0; i < values.Length; i++)
                {
                    buffer[n] = values[i];
                    n += values[i] != 0f & mask[i] ? 1 : 0;
                }
            }
            var included = buffer.AsSpan(0, n);
            if (!double.IsFinite(Sum(included))) ThrowFirstNonFinite(values, mask);
            return FitIncluded(included, options, out includedVariance);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>A sum that is finite exactly when every value is (floats this small cannot overflow a double).</summary>
    private static double Sum(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (var x in values) sum += x;
        return sum;
    }

    private static void ThrowFirstNonFinite(ReadOnlySpan<float> values, ReadOnlySpan<bool> mask)
    {
        for (var i = 0; i < values.Length; i++)
            if (Included(values, mask, i) && !float.IsFinite(values[i]))
                throw new ArgumentException($"Value {i} is {values[i]}; weights must be finite.", nameof(values));
    }

    /// <summary>The fit of values that are all included (nonzero, kept).</summary>
    private static GaussianMixture FitIncluded(ReadOnlySpan<float> values, MixtureOptions options, out double includedVariance)
    {
        ReadOnlySpan<bool> mask = default;

        // Pass 1: overall and per-sign sums, taken about zero (the center is not known yet).
        long count = 0, negativeCount = 0;
        double sum = 0, sumSquares = 0, negativeSum = 0, negativeSquares = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (!Included(values, mask, i)) continue;
            double x = values[i];
            if (!double.IsFinite(x))
                throw new ArgumentException($"Value {i} is {values[i]}; weights must be finite.", nameof(values));
            count++;
            sum += x;
            sumSquares += x * x;
            if (x < 0)
            {
                negativeCount++;
                negativeSum += x;
                negativeSquares += x * x;
            }
        }
        includedVariance = 0;
        if (count == 0) return new GaussianMixture(0, 0, 0, 0, 0.5, 0.5, 0, 0);

        var center = sum / count;
        var variance = Variance(values, mask, center, count);
        includedVariance = variance;
        if (variance <= 0) return new GaussianMixture(center, 0, center, 0, 0.5, 0.5, 0, 0);
        if (count > options.MaxSampleSize)
            return FitIncluded(StratifiedSample(values, mask, count, options.MaxSampleSize), options, out _);
        var floor = options.VarianceFloorRatio * variance;

        var positiveCount = count - negativeCount;
        double muNegative, varNegative, muPositive, varPositive;
        if (negativeCount > 0 && positiveCount > 0)
        {
            (muNegative, varNegative) = SideMoments(negativeCount, negativeSum, negativeSquares, variance);
            (muPositive, varPositive) = SideMoments(positiveCount, sum - negativeSum, sumSquares - negativeSquares, variance);
        }
        else
        {
            (muNegative, varNegative, muPositive, varPositive) = SplitAtMean(values, mask, center, variance);
        }

        var state = new Parameters(muNegative, Math.Max(varNegative, floor), muPositive, Math.Max(varPositive, floor), 0.5);
        var iterations = 0;
        var previous = double.NaN;
        var compact = options.Vectorized && Vector256.IsHardwareAccelerated ? Gather(values, mask, count, center) : null;
        var step = compact is null ? EStep(values, mask, state, center) : VectorEStep(compact, state);
        while (iterations < options.MaxIterations)
        {
            previous = step.LogLikelihood;
            state = MStep(step, state, count, center, floor);
            iterations++;
            step = compact is null ? EStep(values, mask, state, center) : VectorEStep(compact, state);
            if (Math.Abs(step.LogLikelihood - previous) <= options.Tolerance * Math.Abs(step.LogLikelihood)) break;
        }

        var logLikelihood = step.LogLikelihood - count * HalfLogTwoPi;
        var (lowMu, lowVar, lowWeight, highMu, highVar, highWeight) = state.MuNegative <= state.MuPositive
            ? (state.MuNegative, state.VarNegative, 1 - state.WeightPositive, state.MuPositive, state.VarPositive, state.WeightPositive)
            : (state.MuPositive, state.VarPositive, state.WeightPositive, state.MuNegative, state.VarNegative, 1 - state.WeightPositive);
        return new GaussianMixture(
            lowMu, Math.Sqrt(lowVar), highMu, Math.Sqrt(highVar), lowWeight, highWeight, iterations, logLikelihood);
    }

    /// <summary>Seed of the draws that pick the sampled weights: fixed, so that a fit depends only on the weights.</summary>
    private const int SampleSeed = 0x5A3D1;

    /// <summary>
    /// One included value from each of <paramref name="size"/> equal runs of the <paramref name="count"/> included
    /// values (in index order), at a uniformly drawn position within its run. Stratifying keeps every part of the
    /// layer (every filter) represented in proportion, which a plain random subset only does on average.
    /// </summary>
    internal static float[] StratifiedSample(ReadOnlySpan<float> values, ReadOnlySpan<bool> mask, long count, int size)
    {
        var random = new Random(SampleSeed);
        var sample = new float[size];
        var block = 0;
        long blockEnd = count / size; // run j holds the included values of rank [j count / size, (j + 1) count / size)
        var pick = random.NextInt64(blockEnd);
        long rank = 0;
        for (var i = 0; i < values.Length && block < size; i++)
        {
            if (!Included(values, mask, i)) continue;
            if (rank == pick) sample[block] = values[i];
            rank++;
            if (rank == blockEnd)
            {
                block++;
                if (block == size) break;
                var blockStart = blockEnd;
                blockEnd = (block + 1) * count / size;
                pick = blockStart + random.NextInt64(blockEnd - blockStart);
            }
        }
        return sample;
    }

    private static bool Included(ReadOnlySpan<float> values, ReadOnlySpan<bool> mask, int i) =>
        values[i] != 0f && (mask.IsEmpty || mask[i]);

    private static double Variance(ReadOnlySpan<float> values, ReadOnlySpan<bool> mask, double center, long count)
    {
        double squares = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (!Included(values, mask, i)) continue;
            var d = values[i] - center;
            squares += d * d;
        }
        return squares / count;
    }

    private static (double Mean, double Variance) SideMoments(long n, double sum, double squares, double fallbackVariance)
    {
        var mean = sum / n;
        if (n < 2) return (mean, fallbackVariance);
        var variance = squares / n - mean * mean;
        return (mean, variance > 0 ? variance : fallbackVariance);
    }

    private static (double, double, double, double) SplitAtMean(
        ReadOnlySpan<float> values, ReadOnlySpan<bool> mask, double center, double variance)
    {
        long lowCount = 0, highCount = 0;
        double lowSum = 0, lowSquares = 0, highSum = 0, highSquares = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (!Included(values, mask, i)) continue;
            var d = values[i] - center;
            if (d < 0) { lowCount++; lowSum += d; lowSquares += d * d; }
            else { highCount++; highSum += d; highSquares += d * d; }
        }
        // A positive variance guarantees values on both sides of the mean.
        var (lowMean, lowVariance) = SideMoments(lowCount, lowSum, lowSquares, variance);
        var (highMean, highVariance) = SideMoments(highCount, highSum, highSquares, variance);
        return (center + lowMean, lowVariance, center + highMean, highVariance);
    }

    private readonly record struct Parameters(
        double MuNegative, double VarNegative, double MuPositive, double VarPositive, double WeightPositive);

    private readonly record struct Statistics(
        double LogLikelihood, double Responsibility, double WeightedSum, double WeightedSquares,
        double Sum, double Squares);

    /// <summary>
    /// Responsibilities of the Positive component under the given parameters, accumulated into the sums the
    /// M-step needs (values taken about <paramref name="center"/>), and the log-likelihood without its constant.
    /// </summary>
    private static Statistics EStep(ReadOnlySpan<float> values, ReadOnlySpan<bool> mask, Parameters p, double center)
    {
        var weightNegative = 1 - p.WeightPositive;
        var sigmaNegative = Math.Sqrt(p.VarNegative);
        var sigmaPositive = Math.Sqrt(p.VarPositive);
        var offsetNegative = weightNegative > 0 ? Math.Log(weightNegative) - Math.Log(sigmaNegative) : double.NegativeInfinity;
        var offsetPositive = p.WeightPositive > 0 ? Math.Log(p.WeightPositive) - Math.Log(sigmaPositive) : double.NegativeInfinity;
        var halfPrecisionNegative = 0.5 / p.VarNegative;
        var halfPrecisionPositive = 0.5 / p.VarPositive;

        double logLikelihood = 0, responsibility = 0, weightedSum = 0, weightedSquares = 0, sum = 0, squares = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (!Included(values, mask, i)) continue;
            double x = values[i];
            var dn = x - p.MuNegative;
            var dp = x - p.MuPositive;
            var logNegative = offsetNegative - halfPrecisionNegative * dn * dn;
            var logPositive = offsetPositive - halfPrecisionPositive * dp * dp;
            var difference = logPositive - logNegative;
            var tail = Math.Exp(-Math.Abs(difference));
            var r = difference >= 0 ? 1 / (1 + tail) : tail / (1 + tail);
            logLikelihood += Math.Max(logNegative, logPositive) + Math.Log(1 + tail);
            var y = x - center;
            responsibility += r;
            weightedSum += r * y;
            weightedSquares += r * y * y;
            sum += y;
            squares += y * y;
        }
        return new Statistics(logLikelihood, responsibility, weightedSum, weightedSquares, sum, squares);
    }

    /// <summary>The included values about the center, contiguous, with their (fixed) sum and sum of squares.</summary>
    private sealed record CompactValues(double[] Centered, double Center, double Sum, double Squares);

    private static CompactValues Gather(ReadOnlySpan<float> values, ReadOnlySpan<bool> mask, long count, double center)
    {
        var centered = new double[count];
        double sum = 0, squares = 0;
        var j = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (!Included(values, mask, i)) continue;
            var y = values[i] - center;
            centered[j++] = y;
            sum += y;
            squares += y * y;
        }
        return new CompactValues(centered, center, sum, squares);
    }

    /// <summary>
    /// <see cref="EStep"/> on 4 values at a time (Vector256 exp and log, sums in 4 lanes): the same quantities, equal
    /// to the scalar loop's up to rounding in the last bits.
    /// </summary>
    private static Statistics VectorEStep(CompactValues data, Parameters p)
    {
        var weightNegative = 1 - p.WeightPositive;
        var offsetNegative = weightNegative > 0 ? Math.Log(weightNegative) - 0.5 * Math.Log(p.VarNegative) : double.NegativeInfinity;
        var offsetPositive = p.WeightPositive > 0 ? Math.Log(p.WeightPositive) - 0.5 * Math.Log(p.VarPositive) : double.NegativeInfinity;
        // The means relative to the center, so the loop works on the centered values directly.
        var muNegative = Vector256.Create(p.MuNegative - data.Center);
        var muPositive = Vector256.Create(p.MuPositive - data.Center);
        var halfNegative = Vector256.Create(0.5 / p.VarNegative);
        var halfPositive = Vector256.Create(0.5 / p.VarPositive);
        var offNegative = Vector256.Create(offsetNegative);
        var offPositive = Vector256.Create(offsetPositive);
        var one = Vector256<double>.One;
        Vector256<double> logLikelihood = default, responsibility = default, weightedSum = default, weightedSquares = default;
        var y = data.Centered.AsSpan();
        var i = 0;
        for (; i <= y.Length - Vector256<double>.Count; i += Vector256<double>.Count)
        {
            var v = Vector256.Create<double>(y[i..]);
            var dn = v - muNegative;
            var dp = v - muPositive;
            var logNegative = offNegative - halfNegative * dn * dn;
            var logPositive = offPositive - halfPositive * dp * dp;
            var difference = logPositive - logNegative;
            var tail = Vector256.Exp(-Vector256.Abs(difference));
            var denominator = one + tail;
            var r = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(difference, Vector256<double>.Zero), one, tail) / denominator;
            logLikelihood += Vector256.Max(logNegative, logPositive) + Vector256.Log(denominator);
            responsibility += r;
            var ry = r * v;
            weightedSum += ry;
            weightedSquares += ry * v;
        }
        double ll = Vector256.Sum(logLikelihood), rs = Vector256.Sum(responsibility);
        double ws = Vector256.Sum(weightedSum), wq = Vector256.Sum(weightedSquares);
        for (; i < y.Length; i++)
        {
            var v = y[i];
            var dn = v - (p.MuNegative - data.Center);
            var dp = v - (p.MuPositive - data.Center);
            var logNegative = offsetNegative - 0.5 / p.VarNegative * dn * dn;
            var logPositive = offsetPositive - 0.5 / p.VarPositive * dp * dp;
            var difference = logPositive - logNegative;
            var tail = Math.Exp(-Math.Abs(difference));
            var r = difference >= 0 ? 1 / (1 + tail) : tail / (1 + tail);
            ll += Math.Max(logNegative, logPositive) + Math.Log(1 + tail);
            rs += r;
            ws += r * v;
            wq += r * v * v;
        }
        return new Statistics(ll, rs, ws, wq, data.Sum, data.Squares);
    }

    private static Parameters MStep(in Statistics s, Parameters previous, long count, double center, double floor)
    {
        // A component that has lost (almost) all responsibility keeps its last shape rather than dividing by ~0.
        var minimum = 1e-9 * count;
        var (muPositive, varPositive) = s.Responsibility > minimum
            ? Moments(s.Responsibility, s.WeightedSum, s.WeightedSquares, center, floor)
            : (previous.MuPositive, previous.VarPositive);
        var negativeResponsibility = count - s.Responsibility;
        var (muNegative, varNegative) = negativeResponsibility > minimum
            ? Moments(negativeResponsibility, s.Sum - s.WeightedSum, s.Squares - s.WeightedSquares, center, floor)
            : (previous.MuNegative, previous.VarNegative);
        return new Parameters(muNegative, varNegative, muPositive, varPositive, s.Responsibility / count);
    }

    private static (double Mean, double Variance) Moments(double weight, double sum, double squares, double center, double floor)
    {
        var mean = sum / weight;
        return (center + mean, Math.Max(squares / weight - mean * mean, floor));
    }
}

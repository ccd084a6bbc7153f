namespace FocusedQuantization.Search;

/// <summary>
/// A weighted Parzen estimator over a whole (conditional) search space, one mixture component per observation plus a
/// prior component. Numeric dimensions live on the unit scale with Gaussian kernels truncated to [0, 1]; categoricals
/// get a kernel that puts most of the mass on the observed choice. Multivariate: a component is one joint kernel (the
/// product over dimensions), so sampling a component keeps the dimensions of a good point together. A dimension a
/// component's observation lacks (inactive there) falls back to the uniform prior for that dimension.
/// </summary>
internal sealed class ParzenEstimator
{
    private const double Sqrt2Pi = 2.5066282746310002;

    private readonly SearchSpace _space;
    private readonly int _dims;
    private readonly int _components;
    private readonly double[] _cumulative;
    private readonly double[] _logWeight;
    // Per component and dimension (row-major, component * dims + dimension).
    private readonly double[] _mu;
    private readonly double[] _sigma;
    private readonly double[] _logNorm;
    private readonly double[] _logChosen;
    private readonly double[] _logOther;
    private readonly int[] _parent;
    private readonly bool[][] _allowed;
    private readonly int[] _cardinality;

    /// <param name="space">The space the points are encoded in.</param>
    /// <param name="points">Encoded points (see <see cref="History.Encode"/>).</param>
    /// <param name="weights">A non-negative weight per point.</param>
    /// <param name="priorWeight">The weight of the prior component (uniform categoricals, a wide Gaussian at the centre).</param>
    /// <param name="bandwidth">The kernel width, on the unit scale, of each point's numeric dimensions ([point][dimension]).</param>
    public ParzenEstimator(SearchSpace space, IReadOnlyList<double[]> points, IReadOnlyList<double> weights, double priorWeight, IReadOnlyList<double[]> bandwidth)
    {
        _space = space;
        var dims = space.Dimensions;
        _dims = dims.Count;
        _components = points.Count + 1;
        var n = _components * _dims;
        _mu = new double[n];
        _sigma = new double[n];
        _logNorm = new double[n];
        _logChosen = new double[n];
        _logOther = new double[n];
        _cardinality = new int[_dims];
        _parent = new int[_dims];
        _allowed = new bool[_dims][];
        for (var j = 0; j < _dims; j++)
        {
            _cardinality[j] = dims[j] is CategoricalDimension c ? c.Choices.Count : 0;
            _parent[j] = -1;
            if (dims[j].When is not { } when) continue;
            for (var p = 0; p < j; p++)
                if (dims[p].Name == when.Dimension)
                {
                    _parent[j] = p;
                    _allowed[j] = ((CategoricalDimension)dims[p]).Choices.Select(when.Choices.Contains).ToArray();
                }
        }

        var total = priorWeight;
        foreach (var w in weights) total += w;
        _logWeight = new double[_components];
        _cumulative = new double[_components];
        var running = 0.0;
        for (var k = 0; k < _components; k++)
        {
            var w = (k < points.Count ? weights[k] : priorWeight) / total;
            _logWeight[k] = w > 0 ? Math.Log(w) : double.NegativeInfinity;
            running += w;
            _cumulative[k] = running;
        }

        // Optuna's categorical smoothing: the prior's weight spread over the choices, shrinking as observations grow.
        var smoothing = priorWeight / Math.Max(1, points.Count + 1);
        for (var k = 0; k < _components; k++)
        {
            var isPrior = k == points.Count;
            for (var j = 0; j < _dims; j++)
            {
                var at = k * _dims + j;
                var x = isPrior ? double.NaN : points[k][j];
                if (_cardinality[j] > 0)
                {
                    var choices = _cardinality[j];
                    _mu[at] = double.IsNaN(x) ? -1 : x;
                    var denominator = 1 + choices * smoothing;
                    _logChosen[at] = Math.Log((1 + smoothing) / denominator);
                    _logOther[at] = Math.Log(smoothing / denominator);
                    continue;
                }
                if (isPrior) { _mu[at] = 0.5; _sigma[at] = 1.0; }
                else if (double.IsNaN(x)) { _mu[at] = double.NaN; continue; }
                else { _mu[at] = x; _sigma[at] = bandwidth[k][j]; }
                var a = (0 - _mu[at]) / _sigma[at];
                var b = (1 - _mu[at]) / _sigma[at];
                _logNorm[at] = Math.Log(_sigma[at] * Sqrt2Pi) + Math.Log(Math.Max(1e-300, NormalCdf(b) - NormalCdf(a)));
            }
        }
    }

    private int Component(Random random)
    {
        var k = Array.BinarySearch(_cumulative, random.NextDouble());
        return k >= 0 ? k : Math.Min(~k, _components - 1);
    }

    /// <summary>
    /// Draws an encoded point: a component by weight, then each active dimension from that component's kernel. With
    /// <paramref name="independent"/>, each dimension picks its own component (the product of the marginals, which
    /// recombines coordinates of different good trials).
    /// </summary>
    public double[] Sample(Random random, bool independent = false)
    {
        var k = Component(random);
        var x = new double[_dims];
        for (var j = 0; j < _dims; j++)
        {
            if (!IsActive(j, x)) { x[j] = double.NaN; continue; }
            if (independent && j > 0) k = Component(random);
            x[j] = Draw(k, j, random);
        }
        return x;
    }

    /// <summary>Dimension j drawn from component k's kernel.</summary>
    private double Draw(int k, int j, Random random)
    {
        var at = k * _dims + j;
        var choices = _cardinality[j];
        if (choices > 0)
        {
            var chosen = (int)_mu[at];
            if (chosen < 0) return random.Next(choices);
            // Keep the observed choice with its kernel probability, else one of the others uniformly.
            if (random.NextDouble() < Math.Exp(_logChosen[at])) return chosen;
            var other = random.Next(choices - 1);
            return other >= chosen ? other + 1 : other;
        }
        return double.IsNaN(_mu[at]) ? random.NextDouble() : TruncatedNormal(_mu[at], _sigma[at], random);
    }

    /// <summary>Whether dimension j is active under the categorical choices already in x.</summary>
    public bool IsActive(int j, double[] x)
    {
        var p = _parent[j];
        if (p < 0) return true;
        var choice = x[p];
        return !double.IsNaN(choice) && _allowed[j][(int)choice];
    }

    /// <summary>The log density of the product of the per-dimension marginal mixtures.</summary>
    public double MarginalLogDensity(double[] x)
    {
        var total = 0.0;
        for (var j = 0; j < _dims; j++)
            if (!double.IsNaN(x[j])) total += MarginalLogDensity(j, x[j]);
        return total;
    }

    /// <summary>The log density of dimension <paramref name="j"/>'s marginal mixture at <paramref name="v"/>.</summary>
    public double MarginalLogDensity(int j, double v)
    {
        Span<double> terms = _components <= 1024 ? stackalloc double[_components] : new double[_components];
        var max = double.NegativeInfinity;
        for (var k = 0; k < _components; k++)
        {
            var s = _logWeight[k] + Term(k * _dims + j, j, v);
            terms[k] = s;
            if (s > max) max = s;
        }
        if (double.IsNegativeInfinity(max)) return max;
        var sum = 0.0;
        for (var k = 0; k < _components; k++) sum += Math.Exp(terms[k] - max);
        return max + Math.Log(sum);
    }

    /// <summary>One draw of dimension <paramref name="j"/> from its marginal mixture.</summary>
    public double SampleDimension(Random random, int j) => Draw(Component(random), j, random);

    /// <summary>One component's log kernel at value v of dimension j (its uniform prior when the component lacks j).</summary>
    private double Term(int at, int j, double v)
    {
        var choices = _cardinality[j];
        if (choices > 0)
        {
            var chosen = _mu[at];
            return chosen < 0 ? -Math.Log(choices) : (chosen == v ? _logChosen[at] : _logOther[at]);
        }
        var mu = _mu[at];
        if (double.IsNaN(mu)) return 0;
        var z = (v - mu) / _sigma[at];
        return -0.5 * z * z - _logNorm[at];
    }

    /// <summary>The log density of an encoded point (inactive dimensions, NaN, are left out).</summary>
    public double LogDensity(double[] x)
    {
        var max = double.NegativeInfinity;
        Span<double> terms = _components <= 1024 ? stackalloc double[_components] : new double[_components];
        for (var k = 0; k < _components; k++)
        {
            var s = _logWeight[k];
            var row = k * _dims;
            for (var j = 0; j < _dims && s > double.NegativeInfinity; j++)
            {
                var v = x[j];
                if (double.IsNaN(v)) continue;
                var at = row + j;
                var choices = _cardinality[j];
                if (choices > 0)
                {
                    var chosen = _mu[at];
                    s += chosen < 0 ? -Math.Log(choices) : (chosen == v ? _logChosen[at] : _logOther[at]);
                    continue;
                }
                var mu = _mu[at];
                if (double.IsNaN(mu)) continue;
                var z = (v - mu) / _sigma[at];
                s += -0.5 * z * z - _logNorm[at];
            }
            terms[k] = s;
            if (s > max) max = s;
        }
        if (double.IsNegativeInfinity(max)) return max;
        var sum = 0.0;
        for (var k = 0; k < _components; k++) sum += Math.Exp(terms[k] - max);
        return max + Math.Log(sum);
    }


    /// <summary>A normal draw truncated to [0, 1]; the mean is inside, so rejection accepts often.</summary>
    private static double TruncatedNormal(double mu, double sigma, Random random)
    {
        for (var attempt = 0; attempt < 64; attempt++)
        {
            var v = mu + sigma * StandardNormal(random);
            if (v >= 0 && v <= 1) return v;
        }
        return Math.Clamp(mu, 0, 1);
    }

    internal static double StandardNormal(Random random)
    {
        // Box-Muller, one value per pair of uniforms (the spare is not kept: the sampler holds no state).
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    internal static double NormalCdf(double z) => 0.5 * Erfc(-z / Math.Sqrt(2));

    /// <summary>The complementary error function (Numerical Recipes' Chebyshev fit, relative error below 1.2e-7).</summary>
    internal static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1.0 / (1.0 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }
}

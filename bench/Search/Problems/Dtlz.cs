namespace FocusedQuantization.Benchmarks.Search.Problems;

/// <summary>
/// The DTLZ problems (Deb, Thiele, Laumanns and Zitzler, 2005) with M objectives and the standard n = M + k - 1
/// variables in [0, 1]: k = 5 for DTLZ1, 10 for DTLZ2-6, 20 for DTLZ7. Named DTLZ{number}-{M}, e.g. DTLZ2-3.
/// </summary>
public sealed class Dtlz : AnalyticProblem
{
    private readonly int _number;

    public Dtlz(int number, int objectives)
        : base($"DTLZ{number}-{objectives}", objectives, [.. Enumerable.Repeat((0.0, 1.0), objectives + K(number) - 1)]) => _number = number;

    /// <summary>The size of the distance group x_M (the last k variables).</summary>
    public static int K(int number) => number switch
    {
        1 => 5,
        >= 2 and <= 6 => 10,
        7 => 20,
        _ => throw new ArgumentOutOfRangeException(nameof(number), number, "DTLZ1 to DTLZ7 are defined."),
    };

    /// <summary>
    /// The first M-1 variables anywhere, the last k where g is smallest: 0.5 for DTLZ1-5, 0 for DTLZ6 and 7. DTLZ4 draws
    /// its positions as u^(1/100), so that its angles, x^100, are spread evenly as on the other problems.
    /// </summary>
    public override double[] OptimalX(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var x = new double[Variables];
        for (var i = 0; i < Objectives - 1; i++) x[i] = _number == 4 ? Math.Pow(random.NextDouble(), 0.01) : random.NextDouble();
        for (var i = Objectives - 1; i < x.Length; i++) x[i] = _number is 6 or 7 ? 0 : 0.5;
        return x;
    }

    public override double[] Evaluate(double[] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var m = Objectives;
        var k = x.Length - m + 1;
        var g = 0.0;
        for (var i = m - 1; i < x.Length; i++)
        {
            var d = x[i] - 0.5;
            g += _number switch
            {
                1 or 3 => d * d - Math.Cos(20 * Math.PI * d),
                6 => Math.Pow(x[i], 0.1),
                7 => x[i],
                _ => d * d,
            };
        }
        g = _number switch
        {
            1 or 3 => 100 * (k + g),
            7 => 1 + 9.0 / k * g,
            _ => g,
        };

        var f = new double[m];
        if (_number == 7)
        {
            var h = (double)m;
            for (var i = 0; i < m - 1; i++)
            {
                f[i] = x[i];
                h -= x[i] / (1 + g) * (1 + Math.Sin(3 * Math.PI * x[i]));
            }
            f[m - 1] = (1 + g) * h;
            return f;
        }
        if (_number == 1)
        {
            // The linear front sum(f) = 0.5: products of positions instead of angles.
            for (var i = 0; i < m; i++)
            {
                var value = 0.5 * (1 + g);
                for (var j = 0; j < m - 1 - i; j++) value *= x[j];
                if (i > 0) value *= 1 - x[m - 1 - i];
                f[i] = value;
            }
            return f;
        }

        // DTLZ2-6: the spherical front, angles theta_j in [0, pi/2].
        var theta = new double[m - 1];
        for (var j = 0; j < m - 1; j++)
            theta[j] = _number switch
            {
                4 => Math.Pow(x[j], 100) * Math.PI / 2,
                5 or 6 when j > 0 => Math.PI / (4 * (1 + g)) * (1 + 2 * g * x[j]),
                _ => x[j] * Math.PI / 2,
            };
        for (var i = 0; i < m; i++)
        {
            var value = 1 + g;
            for (var j = 0; j < m - 1 - i; j++) value *= Math.Cos(theta[j]);
            if (i > 0) value *= Math.Sin(theta[m - 1 - i]);
            f[i] = value;
        }
        return f;
    }
}

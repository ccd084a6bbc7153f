namespace FocusedQuantization.Benchmarks.Search.Problems;

/// <summary>
/// The ZDT problems (Zitzler, Deb and Thiele, 2000), two objectives, in their standard sizes: ZDT1-3 with 30 variables
/// in [0, 1]; ZDT4 with 10 (x0 in [0, 1], the rest in [-5, 5]); ZDT6 with 10 in [0, 1]. ZDT5 is binary and left out.
/// </summary>
public sealed class Zdt : AnalyticProblem
{
    private readonly int _number;

    public Zdt(int number)
        : base($"ZDT{number}", 2, Bounds(number)) => _number = number;

    public static readonly int[] Numbers = [1, 2, 3, 4, 6];

    private static (double, double)[] Bounds(int number) => number switch
    {
        1 or 2 or 3 => [.. Enumerable.Repeat((0.0, 1.0), 30)],
        4 => [(0.0, 1.0), .. Enumerable.Repeat((-5.0, 5.0), 9)],
        6 => [.. Enumerable.Repeat((0.0, 1.0), 10)],
        _ => throw new ArgumentOutOfRangeException(nameof(number), number, "ZDT1, 2, 3, 4 and 6 are defined."),
    };

    /// <summary>x0 anywhere in [0, 1], the rest 0 (g = 1).</summary>
    public override double[] OptimalX(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var x = new double[Variables];
        x[0] = random.NextDouble();
        return x;
    }

    public override double[] Evaluate(double[] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var n = x.Length;
        var tail = 0.0;
        for (var i = 1; i < n; i++) tail += x[i];
        double f1, g;
        switch (_number)
        {
            case 4:
                f1 = x[0];
                g = 1 + 10.0 * (n - 1);
                for (var i = 1; i < n; i++) g += x[i] * x[i] - 10 * Math.Cos(4 * Math.PI * x[i]);
                break;
            case 6:
                f1 = 1 - Math.Exp(-4 * x[0]) * Math.Pow(Math.Sin(6 * Math.PI * x[0]), 6);
                g = 1 + 9 * Math.Pow(tail / (n - 1), 0.25);
                break;
            default:
                f1 = x[0];
                g = 1 + 9 * tail / (n - 1);
                break;
        }
        var ratio = f1 / g;
        var h = _number switch
        {
            2 or 6 => 1 - ratio * ratio,
            3 => 1 - Math.Sqrt(ratio) - ratio * Math.Sin(10 * Math.PI * f1),
            _ => 1 - Math.Sqrt(ratio),
        };
        return [f1, g * h];
    }
}

using System.Globalization;

namespace FocusedQuantization.Benchmarks.Tabular;

/// <summary>
/// `tabular-signals CSV [CSV2]`: what the early-stopping signals of a tabular recording are worth. Per fine-tuning epoch
/// e, the Spearman rank correlation between the rung's validation top-1 after e epochs and the final validation top-1
/// over the completed configurations (for a second recording of the same configurations with the other rung weights,
/// side by side on the configurations both hold); and the relative error of the size estimated before fine-tuning
/// against the real .fqz size (median and largest).
/// </summary>
internal static class SignalsCommand
{
    public static int Run(string[] args)
    {
        if (args.Length is < 1 or > 2)
        {
            Console.Error.WriteLine("tabular-signals CSV [CSV2]");
            return 2;
        }
        var tables = args.Select(Read).ToArray();
        var common = tables.Select(t => t.Keys.ToHashSet()).Aggregate((a, b) => { a.IntersectWith(b); return a; });
        var keys = common.Order(StringComparer.Ordinal).ToArray();
        var first = tables[0];
        var epochs = first.Values.First().Rungs.Length;
        Console.WriteLine($"{keys.Length} completed configurations in {string.Join(" and ", args)}");
        Console.WriteLine("epoch  " + string.Join("  ", args.Select(Path.GetFileName)));
        for (var e = 0; e < epochs; e++)
        {
            var cells = tables.Select(t => Spearman(keys.Select(k => t[k].Rungs[e]).ToArray(), keys.Select(k => t[k].Final).ToArray()));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{e + 1,5}  {string.Join("  ", cells.Select(c => c.ToString("F3", CultureInfo.InvariantCulture)))}"));
        }
        var errors = first.Values.Where(r => r.Estimated > 0).Select(r => Math.Abs(r.Estimated - r.Real) / r.Real).Order().ToArray();
        var signed = first.Values.Where(r => r.Estimated > 0).Select(r => (r.Estimated - r.Real) / r.Real).ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"size estimate before fine-tuning vs .fqz: median |error| {100 * Median(errors):F2} %, max {100 * errors[^1]:F2} %, mean signed {100 * signed.Average():F2} % over {errors.Length} trials"));
        return 0;
    }

    private sealed record Trial(double Final, double[] Rungs, double Estimated, double Real);

    private static Dictionary<string, Trial> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        int Column(string name) => Array.IndexOf(header, name);
        var rungColumns = header.Select((h, i) => (h, i)).Where(p => p.h.StartsWith("val_top1@", StringComparison.Ordinal)).Select(p => p.i).ToArray();
        double D(string[] f, int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
        return lines.Skip(1).Select(l => l.Split(','))
            .Where(f => f[Column("state")] == "completed")
            .ToDictionary(f => string.Join(',', f.Take(4)), f => new Trial(D(f, Column("val_top1")), rungColumns.Select(i => D(f, i)).ToArray(),
                D(f, Column("estimated_bytes")), D(f, Column("compressed_bytes"))), StringComparer.Ordinal);
    }

    private static double Median(double[] sorted) =>
        sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;

    /// <summary>Spearman's rho: the Pearson correlation of the ranks, ties given their mean rank.</summary>
    internal static double Spearman(double[] x, double[] y)
    {
        var rx = Ranks(x);
        var ry = Ranks(y);
        var mx = rx.Average();
        var my = ry.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < rx.Length; i++)
        {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    private static double[] Ranks(double[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            for (var k = start; k <= end; k++) ranks[order[k]] = (start + end) / 2.0 + 1;
            start = end + 1;
        }
        return ranks;
    }
}

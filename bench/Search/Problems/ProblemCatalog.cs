namespace FocusedQuantization.Benchmarks.Search.Problems;

/// <summary>The problems by name: ZDT1-4, ZDT6, DTLZ1-7 with 2 and 3 objectives (DTLZ2-3 is DTLZ2 with 3), lenet5-tabular.</summary>
public static class ProblemCatalog
{
    public const string Tabular = "lenet5-tabular";

    /// <summary>Every analytic problem, in the order tables list them.</summary>
    public static IReadOnlyList<string> AnalyticNames { get; } =
    [
        .. Zdt.Numbers.Select(n => $"ZDT{n}"),
        .. from objectives in new[] { 2, 3 } from n in Enumerable.Range(1, 7) select $"DTLZ{n}-{objectives}",
    ];

    /// <summary>
    /// Problems from a comma-separated list of names (case-insensitive): a name above, DTLZn for both DTLZn-2 and
    /// DTLZn-3, <c>all</c> for every analytic problem and, when its table exists, the tabular one.
    /// </summary>
    public static IReadOnlyList<IProblem> Resolve(string names, string tablePath)
    {
        ArgumentNullException.ThrowIfNull(names);
        var problems = new List<IProblem>();
        foreach (var name in names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (name.Equals("all", StringComparison.OrdinalIgnoreCase))
            {
                problems.AddRange(AnalyticNames.Select(Create));
                if (File.Exists(tablePath)) problems.Add(new TabularProblem(Tabular, TabularData.Load(tablePath)));
                else Console.Error.WriteLine($"bench: {Tabular} left out: {tablePath} does not exist yet");
            }
            else if (name.Equals(Tabular, StringComparison.OrdinalIgnoreCase))
                problems.Add(new TabularProblem(Tabular, TabularData.Load(tablePath)));
            else if (name.StartsWith("DTLZ", StringComparison.OrdinalIgnoreCase) && !name.Contains('-', StringComparison.Ordinal))
                problems.AddRange(new[] { 2, 3 }.Select(m => Create($"{name}-{m}")));
            else problems.Add(Create(name));
        }
        return [.. problems.DistinctBy(p => p.Name)];
    }

    public static AnalyticProblem Create(string name)
    {
        var upper = name.ToUpperInvariant();
        if (upper.StartsWith("ZDT", StringComparison.Ordinal) && int.TryParse(upper[3..], out var zdt) && Zdt.Numbers.Contains(zdt))
            return new Zdt(zdt);
        if (upper.StartsWith("DTLZ", StringComparison.Ordinal) && upper[4..].Split('-') is [var n, var m]
            && int.TryParse(n, out var dtlz) && dtlz is >= 1 and <= 7 && int.TryParse(m, out var objectives) && objectives is 2 or 3)
            return new Dtlz(dtlz, objectives);
        throw new ArgumentException($"unknown problem '{name}' (known: {string.Join(", ", AnalyticNames)}, {Tabular}, DTLZ1..DTLZ7 for both objective counts, all)");
    }
}

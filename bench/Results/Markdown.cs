using System.Globalization;
using System.Text;

namespace FocusedQuantization.Benchmarks.Results;

/// <summary>Small helpers for Markdown tables and numbers in the invariant culture.</summary>
public static class Markdown
{
    /// <summary>A table from a header and rows of cells.</summary>
    public static string Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var text = new StringBuilder();
        text.Append("| ").AppendJoin(" | ", header).AppendLine(" |");
        text.Append('|').AppendJoin("", header.Select(_ => "---|")).AppendLine();
        foreach (var row in rows) text.Append("| ").AppendJoin(" | ", row).AppendLine(" |");
        return text.ToString();
    }

    /// <summary>A number with a fixed count of decimals, or "-" for null.</summary>
    public static string F(double? value, int decimals = 2) =>
        value is { } v ? v.ToString("F" + decimals, CultureInfo.InvariantCulture) : "-";

    /// <summary>An integer with thousands separators, or "-" for null.</summary>
    public static string N(long? value) => value is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "-";

    /// <summary>A compression ratio such as 49.37x.</summary>
    public static string X(double? value) => value is { } v ? F(v) + "x" : "-";

    /// <summary>A duration in seconds as "1 min 28 s" or "42 s".</summary>
    public static string Duration(double? seconds) => seconds switch
    {
        null => "-",
        >= 60 => $"{(int)(seconds / 60)} min {(int)Math.Round(seconds.Value % 60)} s",
        _ => $"{Math.Round(seconds.Value, 1).ToString(CultureInfo.InvariantCulture)} s",
    };
}

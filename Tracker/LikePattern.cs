using System.Text;

namespace FocusedQuantization.Tracker;

/// <summary>
/// SQL LIKE as MLflow's search filters use it: % matches any run of characters (also none), _ exactly one character,
/// everything else itself. There is no escape character, as in MLflow's file store and its SQLite backend, so a
/// backslash is a literal backslash.
/// </summary>
/// <remarks>
/// Matched directly rather than through a regular expression: a backtracking regex for "%a%a%a%b" on a long value
/// takes time polynomial in the value's length with the number of %s as the exponent, which a filter from any client
/// could use to tie up the server. Here a mismatch only moves back to the last % seen, so the cost is at most the
/// value's length times the pattern's. Characters are Unicode code points, so _ matches a whole emoji.
/// </remarks>
public static class LikePattern
{
    /// <summary>Whether <paramref name="text"/> matches <paramref name="pattern"/> as a whole.</summary>
    /// <param name="text">The value tested.</param>
    /// <param name="pattern">The LIKE pattern.</param>
    /// <param name="ignoreCase">ILIKE: compare letters without regard to case, by the invariant culture's rules.</param>
    public static bool IsMatch(string text, string pattern, bool ignoreCase)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(pattern);
        var t = CodePoints(text, ignoreCase);
        var p = CodePoints(pattern, ignoreCase);
        int ti = 0, pi = 0;
        // The position after the last % seen, and the text position it is currently tried against.
        int resume = -1, resumeText = 0;
        while (ti < t.Length)
        {
            if (pi < p.Length && p[pi] == '%')
            {
                resume = ++pi;
                resumeText = ti;
            }
            else if (pi < p.Length && (p[pi] == '_' || p[pi] == t[ti]))
            {
                pi++;
                ti++;
            }
            else if (resume >= 0)
            {
                // Let the last % swallow one more character and retry what follows it. Going back further cannot
                // help: an earlier % could only hand characters to segments the last % already places freely.
                pi = resume;
                ti = ++resumeText;
            }
            else
            {
                return false;
            }
        }
        while (pi < p.Length && p[pi] == '%') pi++;
        return pi == p.Length;
    }

    private static int[] CodePoints(string s, bool fold)
    {
        var result = new int[s.Length];
        var count = 0;
        for (var i = 0; i < s.Length; i++)
        {
            int value = s[i];
            if (char.IsSurrogatePair(s, i)) value = char.ConvertToUtf32(s[i], s[++i]);
            // A lone surrogate stays itself rather than becoming U+FFFD, so two different ones do not compare equal.
            result[count++] = fold && Rune.IsValid(value) ? Fold(new Rune(value)) : value;
        }
        return result.AsSpan(0, count).ToArray();
    }

    // Upper-casing then lower-casing maps the case variants of a letter to one value, so equal after folding means
    // equal ignoring case.
    private static int Fold(Rune rune) => Rune.ToLowerInvariant(Rune.ToUpperInvariant(rune)).Value;
}

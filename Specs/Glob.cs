namespace FocusedQuantization.Specs;

/// <summary>
/// Layer name patterns: '*' stands for any run of characters (dots included, so layer1.* takes every layer of a block),
/// '?' for one character; everything else, case and all, for itself.
/// </summary>
public static class Glob
{
    /// <summary>Whether <paramref name="pattern"/> matches all of <paramref name="text"/>.</summary>
    public static bool Matches(string pattern, string text)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(text);
        // Greedy with one backtrack point (the last '*'): linear in practice, at worst pattern x text, never exponential.
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]) && pattern[p] != '*')
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}

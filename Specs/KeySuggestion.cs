namespace FocusedQuantization.Specs;

/// <summary>Finds the valid key a user most likely meant (edit distance), for "did you mean" hints.</summary>
internal static class KeySuggestion
{
    /// <summary>The nearest candidate, or null when none is close enough to be a plausible typo.</summary>
    public static string? Nearest(string typed, IEnumerable<string> candidates)
    {
        var normalized = typed.ToLowerInvariant().Replace('-', '_');
        var best = candidates.Select(c => (Key: c, Distance: Distance(normalized, c)))
            .OrderBy(c => c.Distance).ThenBy(c => c.Key, StringComparer.Ordinal).FirstOrDefault();
        return best.Key is not null && best.Distance <= Math.Max(2, best.Key.Length / 3) ? best.Key : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}

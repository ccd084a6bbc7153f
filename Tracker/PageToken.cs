using System.Globalization;
using System.Text;

namespace FocusedQuantization.Tracker;

/// <summary>Opaque page tokens: the offset of the next page, base64-encoded so that clients do not build them.</summary>
public static class PageToken
{
    /// <summary>The token for a page starting at the given offset.</summary>
    public static string Encode(int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(offset.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The offset a token stands for; 0 for a null or empty token.</summary>
    /// <exception cref="MlflowException">INVALID_PARAMETER_VALUE for a token this tracker did not issue.</exception>
    public static int Decode(string? token)
    {
        if (string.IsNullOrEmpty(token)) return 0;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var offset)) return offset;
        }
        catch (FormatException)
        {
        }
        throw MlflowException.InvalidParameterValue($"Invalid page_token '{token}'.");
    }

    /// <summary>
    /// One page of already ordered items, and the token of the next page (null on the last page).
    /// </summary>
    public static (IReadOnlyList<T> Page, string? Next) Slice<T>(IReadOnlyList<T> ordered, int offset, int maxResults)
    {
        var page = ordered.Skip(offset).Take(maxResults).ToList();
        // long, because "everything" is asked for as int.MaxValue results.
        var end = (long)offset + maxResults;
        var next = end < ordered.Count ? Encode((int)end) : null;
        return (page, next);
    }
}

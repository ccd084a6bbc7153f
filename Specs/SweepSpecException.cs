using System.Globalization;
using System.Text;

namespace FocusedQuantization.Specs;

/// <summary>
/// A sweep spec that cannot run, refused before anything starts. The message reads
/// "FILE:LINE:COLUMN: KEY: PROBLEM" (the line part only when it is known) so that a user can go straight to the fix.
/// </summary>
public sealed class SweepSpecException : ArgumentException
{
    /// <summary>Creates the exception; the message is composed from the parts.</summary>
    public SweepSpecException(string source, string? key, string problem, int? line = null, int? column = null, Exception? inner = null)
        : base(Compose(source, key, problem, line, column), inner)
    {
        SourceName = source;
        Key = key;
        Problem = problem;
        Line = line;
        Column = column;
    }

    /// <summary>The file (or source name) the spec came from.</summary>
    public string SourceName { get; }

    /// <summary>The dotted path of the offending key, e.g. "space.bits[2]"; null for a YAML syntax error.</summary>
    public string? Key { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    /// <summary>1-based line of the offending node, when known.</summary>
    public int? Line { get; }

    /// <summary>1-based column of the offending node, when known.</summary>
    public int? Column { get; }

    private static string Compose(string source, string? key, string problem, int? line, int? column)
    {
        var where = line is { } l ? column is { } c ? $"{source}:{l}:{c}" : $"{source}:{l}" : source;
        return OneLine(key is null ? $"{where}: {problem}" : $"{where}: {key}: {problem}");
    }

    /// <summary>
    /// Keys and values quoted from the file may hold line breaks, control or bidi characters and lone surrogates;
    /// escaped, the message stays one line on the terminal, reads as written and encodes as UTF-8.
    /// </summary>
    private static string OneLine(string message)
    {
        var builder = new StringBuilder(message.Length + 16);
        for (var i = 0; i < message.Length; i++)
        {
            var ch = message[i];
            if (char.IsHighSurrogate(ch) && i + 1 < message.Length && char.IsLowSurrogate(message[i + 1]))
            {
                builder.Append(ch).Append(message[++i]);
                continue;
            }
            if (!Unprintable(ch) && !char.IsSurrogate(ch)) builder.Append(ch);
            else builder.Append(ch switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => $"\\u{(int)ch:X4}",
            });
        }
        return builder.ToString();
    }

    /// <summary>Control characters, line and paragraph separators and format characters (bidi overrides among them).</summary>
    private static bool Unprintable(char ch) =>
        char.IsControl(ch)
        || char.GetUnicodeCategory(ch) is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Format;
}

namespace FocusedQuantization.Specs;

/// <summary>
/// Where each key of a parsed spec was written, so that checks made on the records can still point at a line. Keys are
/// the validator's canonical paths; each remembers how the file spelled it (e.g. "space.bits.values[1]").
/// </summary>
internal sealed class SpecLocations
{
    private readonly Dictionary<string, (string Display, int Line, int Column)> _byPath = new(StringComparer.Ordinal);

    /// <summary>No locations: checks on records built in code.</summary>
    public static SpecLocations None { get; } = new();

    public void Add(string path, int line, int column, string? display = null) => _byPath[path] = (display ?? path, line, column);

    /// <summary>
    /// Gives the locations under <paramref name="source"/> (itself, its keys and elements) to <paramref name="target"/>
    /// too, displayed as they were: the dimensions a layer pattern makes for each layer point back at the pattern.
    /// </summary>
    public void Mirror(string source, string target)
    {
        foreach (var (path, location) in _byPath.Where(e => e.Key == source || e.Key.StartsWith(source + ".", StringComparison.Ordinal) || e.Key.StartsWith(source + "[", StringComparison.Ordinal)).ToArray())
            _byPath[target + path[source.Length..]] = location;
    }

    /// <summary>The location of the path, or of its nearest written parent (an element drawn from a range has none of its own).</summary>
    public (string Key, int? Line, int? Column) Find(string path)
    {
        if (_byPath.TryGetValue(path, out var exact)) return (exact.Display, exact.Line, exact.Column);
        for (var parent = Parent(path); parent is not null; parent = Parent(parent))
        {
            if (_byPath.TryGetValue(parent, out var found))
                return (found.Display + path[parent.Length..], found.Line, found.Column);
        }
        return (path, null, null);
    }

    private static string? Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut > 0 ? path[..cut] : null;
    }
}

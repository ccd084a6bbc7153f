using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace FocusedQuantization.Specs;

/// <summary>
/// Stands between YamlDotNet's parser and the YamlStream that builds nodes, and refuses, event by event and so before
/// any node is built, what would make the builder recurse past the stack or expand without bound: nesting deeper than
/// <see cref="SweepSpecLoader.MaxDepth"/>, aliases that would repeat more than <see cref="SweepSpecLoader.MaxAliasNodes"/>
/// nodes, an alias inside the node it names, an alias to no anchor, and a key that is not a plain scalar (YamlDotNet
/// hashes a key node whole, so a recursive or aliased key never returns). Each refusal names the key it is under.
/// </summary>
internal sealed class SpecYamlGuard : IParser
{
    private readonly Scanner _scanner;
    private readonly Parser _inner;
    private readonly string _source;
    private readonly Stack<Frame> _open = new();

    // Anchor name -> the number of nodes its value stands for; null while the anchored collection is still open.
    private readonly Dictionary<string, long?> _anchors = new(StringComparer.Ordinal);

    private long _aliasNodes;

    public SpecYamlGuard(string text, string source)
    {
        // The scanner is kept to place the errors the parser throws without a position.
        _scanner = new Scanner(new StringReader(text));
        _inner = new Parser(_scanner);
        _source = source;
    }

    public ParsingEvent? Current => _inner.Current;

    /// <summary>The line of the last event read: a syntax error found after it lies on this line or later.</summary>
    public long LastLine { get; private set; } = 1;

    public bool MoveNext()
    {
        bool more;
        try
        {
            more = _inner.MoveNext();
        }
        catch (ArgumentException e)
        {
            // The parser checks tags and anchors as it makes them (e.g. "!<>"), with an ArgumentException and no place.
            var at = _scanner.Current?.Start ?? _scanner.CurrentPosition;
            var problem = e.Message.Split(" (Parameter '")[0];
            throw new SweepSpecException(_source, null, $"YAML syntax error: {problem}", (int)at.Line, (int)at.Column, e);
        }
        if (!more) return false;
        var current = _inner.Current!;
        LastLine = current.Start.Line;
        Check(current);
        return true;
    }

    private void Check(ParsingEvent current)
    {
        switch (current)
        {
            case DocumentStart:
                // Anchors belong to one document.
                _anchors.Clear();
                break;
            case Scalar scalar:
                Place(current, "a value");
                if (!scalar.Anchor.IsEmpty) _anchors[scalar.Anchor.Value] = 1;
                Grow(1);
                break;
            case AnchorAlias alias:
                Alias(alias);
                break;
            case MappingStart or SequenceStart:
                var node = (NodeEvent)current;
                var isMapping = current is MappingStart;
                var path = Place(current, isMapping ? "a mapping" : "a list");
                if (_open.Count >= SweepSpecLoader.MaxDepth)
                    throw Refuse(current, path, $"nested more than {SweepSpecLoader.MaxDepth} levels deep; a spec needs no more than 4");
                var anchor = node.Anchor.IsEmpty ? null : node.Anchor.Value;
                if (anchor is not null) _anchors[anchor] = null;
                _open.Push(new Frame(path, isMapping, anchor));
                break;
            case MappingEnd or SequenceEnd when _open.Count > 0:
                var done = _open.Pop();
                // YamlDotNet's parser can end a mapping after a key alone (a ': ' line with no key, after a nested
                // block), and the node builder then fails with an ArgumentException; this says what is wrong instead.
                if (done.IsMapping != current is MappingEnd || done is { IsMapping: true, ExpectKey: false })
                {
                    var at = done.KeyEvent ?? current;
                    throw Refuse(at, done.Path, done.Key.Length == 0 ? "YAML syntax error: ':' with no key before it" : $"YAML syntax error: the key '{done.Key}' has no value");
                }
                if (done.Anchor is { } name) _anchors[name] = done.Size;
                Grow(done.Size);
                break;
        }
    }

    private void Alias(AnchorAlias alias)
    {
        var path = Place(alias, $"the alias *{SpecReader.Clip(alias.Value.Value)}");
        var name = SpecReader.Clip(alias.Value.Value);
        if (!_anchors.TryGetValue(alias.Value.Value, out var size))
            throw Refuse(alias, path, $"alias *{name} is not defined; an anchor &{name} must come before it");
        if (size is not { } nodes)
            throw Refuse(alias, path, $"alias *{name} is used inside the value &{name} it names, which would never end");
        // Counted as if expanded (nested aliases included in the anchor's size), though nothing is copied.
        _aliasNodes += nodes;
        if (_aliasNodes > SweepSpecLoader.MaxAliasNodes)
            throw Refuse(alias, path, $"aliases here expand to more than {SweepSpecLoader.MaxAliasNodes:N0} values (*{name} alone to {nodes:N0}); write the values out");
        Grow(nodes);
    }

    /// <summary>The key path of the node <paramref name="current"/> starts; a mapping's key must be a plain scalar.</summary>
    private string Place(ParsingEvent current, string what)
    {
        if (!_open.TryPeek(out var parent)) return "";
        if (!parent.IsMapping) return $"{parent.Path}[{parent.Index++}]";
        if (!parent.ExpectKey)
        {
            parent.ExpectKey = true;
            return SpecReader.Join(parent.Path, parent.Key);
        }
        if (current is not Scalar scalar)
            throw Refuse(current, parent.Path, $"a key must be a plain name, got {what}");
        parent.Key = SpecReader.Clip(scalar.Value);
        parent.KeyEvent = current;
        parent.ExpectKey = false;
        return SpecReader.Join(parent.Path, parent.Key);
    }

    private void Grow(long nodes)
    {
        if (_open.TryPeek(out var parent)) parent.Size += nodes;
    }

    private SweepSpecException Refuse(ParsingEvent at, string path, string problem) =>
        new(_source, SpecReader.Display(path), problem, (int)at.Start.Line, (int)at.Start.Column);

    /// <summary>An open mapping or sequence: where it is, which key or index comes next, and its size so far.</summary>
    private sealed class Frame(string path, bool isMapping, string? anchor)
    {
        public string Path { get; } = path;
        public bool IsMapping { get; } = isMapping;
        public string? Anchor { get; } = anchor;
        public long Size { get; set; } = 1;
        public bool ExpectKey { get; set; } = true;
        public string Key { get; set; } = "?";
        public ParsingEvent? KeyEvent { get; set; }
        public int Index { get; set; }
    }
}

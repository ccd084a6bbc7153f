using System.Globalization;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using YamlDotNet.RepresentationModel;

namespace FocusedQuantization.Specs;

/// <summary>
/// Reads YAML nodes as the spec's types, remembering where each key was written and refusing, with the file, the
/// key and the line, anything of the wrong shape: unknown keys, wrong types, empty lists and ranges.
/// </summary>
internal sealed class SpecReader(string source)
{
    /// <summary>Where each key was read, for the checks made later on the records.</summary>
    public SpecLocations Locations { get; } = new();

    public SweepSpecException Error(YamlNode? node, string key, string problem) =>
        new(source, key, problem, node is null ? null : (int)node.Start.Line, node is null ? null : (int)node.Start.Column);

    /// <summary>
    /// A mapping whose keys must all be among <paramref name="allowed"/>. Its keys are located under
    /// <paramref name="path"/> (the canonical key the checks use) but named as <paramref name="display"/> spells it.
    /// </summary>
    public SpecMapping Mapping(YamlNode node, string path, IReadOnlyList<string> allowed, string? display = null)
    {
        display ??= path;
        if (node is not YamlMappingNode mapping)
            throw Error(node, Display(display), $"expected a mapping of {string.Join(", ", allowed)}, got {Describe(node)}");
        var entries = new Dictionary<string, (YamlNode Key, YamlNode Value)>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in mapping.Children)
        {
            var name = keyNode is YamlScalarNode { Value: { } text } ? text : null;
            var child = Join(display, name is null ? "?" : Clip(name));
            if (name is null) throw Error(keyNode, child, "a key must be a plain name");
            if (!allowed.Contains(name))
            {
                var hint = KeySuggestion.Nearest(name, allowed) is { } nearest ? $"did you mean '{nearest}'? " : "";
                throw Error(keyNode, child, $"unknown key '{Clip(name)}'; {hint}valid keys here: {string.Join(", ", allowed)}");
            }
            entries[name] = (keyNode, value);
            Locations.Add(Join(path, name), (int)keyNode.Start.Line, (int)keyNode.Start.Column, child);
        }
        return new SpecMapping(path, entries, display);
    }

    /// <summary>
    /// A mapping whose keys are free names (layer patterns), in the order written; each key is located under
    /// <paramref name="path"/>.NAME.
    /// </summary>
    public IReadOnlyList<(string Name, YamlNode Key, YamlNode Value)> Entries(YamlNode node, string path, string expected)
    {
        if (node is not YamlMappingNode mapping)
            throw Error(node, path, $"expected a mapping of {expected}, got {Describe(node)}");
        if (mapping.Children.Count == 0) throw Error(node, path, $"empty: give at least one entry ({expected})");
        var entries = new List<(string, YamlNode, YamlNode)>(mapping.Children.Count);
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } name } || name.Trim().Length == 0)
                throw Error(keyNode, Join(path, "?"), "a key must be a plain name");
            Locations.Add(Join(path, name), (int)keyNode.Start.Line, (int)keyNode.Start.Column, Join(path, Clip(name)));
            entries.Add((name, keyNode, value));
        }
        return entries;
    }

    /// <summary>true or false (yes, no), or null when the key is left out.</summary>
    public bool? OptionalBool(YamlNode? node, string path)
    {
        if (node is null || (node is YamlScalarNode scalar && IsNull(scalar))) return null;
        var text = String(node, path).Trim().ToLowerInvariant();
        return text switch
        {
            "true" or "yes" => true,
            "false" or "no" => false,
            _ => throw Error(node, path, $"expected true or false, got '{Clip(text)}'"),
        };
    }

    public string String(YamlNode node, string path)
    {
        var scalar = Scalar(node, path, "a name");
        if (IsNull(scalar)) throw Error(node, path, "expected a name, got nothing");
        return scalar.Value!.Trim();
    }

    public string? OptionalString(YamlNode? node, string path) =>
        node is null || (node is YamlScalarNode scalar && IsNull(scalar)) ? null : String(node, path);

    public int Int(YamlNode node, string path)
    {
        var scalar = Scalar(node, path, "a whole number");
        var text = scalar.Value?.Trim() ?? "";
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value is >= int.MinValue and <= int.MaxValue ? (int)value : throw Error(node, path, $"{Clip(text)} is too large");
        }
        throw Error(node, path, double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? $"expected a whole number, got {Clip(text)}"
            : $"expected a whole number, got {Describe(node)}");
    }

    public int? OptionalInt(YamlNode? node, string path) =>
        node is null || (node is YamlScalarNode scalar && IsNull(scalar)) ? null : Int(node, path);

    public double Double(YamlNode node, string path)
    {
        var scalar = Scalar(node, path, "a number");
        var text = scalar.Value?.Trim() ?? "";
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            throw Error(node, path, $"expected a number, got {Describe(node)}");
        return double.IsFinite(value) ? value : throw Error(node, path, $"expected a finite number, got {Clip(text)}");
    }

    public double? OptionalDouble(YamlNode? node, string path) =>
        node is null || (node is YamlScalarNode scalar && IsNull(scalar)) ? null : Double(node, path);

    /// <summary>Numbers: one value, a list, or a range {from, to, step}.</summary>
    public List<double> Doubles(YamlNode node, string path, string? display = null) =>
        List(node, path, display, (element, at) => Double(element, at), (range, at) => DoubleRange(range, at));

    /// <summary>Whole numbers: one value, a list, or a range {from, to[, step]}.</summary>
    public List<int> Ints(YamlNode node, string path, string? display = null) =>
        List(node, path, display, (element, at) => Int(element, at), (range, at) => IntRange(range, at));

    /// <summary>Numbers where 'default' (or null) stands for the paper's value.</summary>
    public List<double?> DoublesOrDefault(YamlNode node, string path) =>
        List<double?>(node, path, null,
            (element, at) => element is YamlScalarNode scalar && (IsNull(scalar) || string.Equals(scalar.Value?.Trim(), "default", StringComparison.OrdinalIgnoreCase))
                ? null
                : Double(element, at),
            (range, at) => [.. DoubleRange(range, at).Select(v => (double?)v)]);

    public List<string> Strings(YamlNode node, string path) => List(node, path, null, (element, at) => String(element, at), null);

    /// <summary>
    /// A list read element by element; a lone scalar is a one-element list. Elements are located under
    /// <paramref name="path"/> (the canonical key the checks use) but named as <paramref name="display"/> spells it.
    /// </summary>
    private List<T> List<T>(YamlNode node, string path, string? display, Func<YamlNode, string, T> element, Func<YamlMappingNode, string, List<T>>? range)
    {
        display ??= path;
        switch (node)
        {
            case YamlSequenceNode sequence:
                if (sequence.Children.Count == 0) throw Error(node, display, "empty list: give at least one value");
                var values = new List<T>(sequence.Children.Count);
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    var item = sequence.Children[i];
                    var at = $"{display}[{i}]";
                    if (item is not YamlScalarNode) throw Error(item, at, $"expected a single value, got {Describe(item)}");
                    Locations.Add($"{path}[{i}]", (int)item.Start.Line, (int)item.Start.Column, at);
                    values.Add(element(item, at));
                }
                return values;
            case YamlMappingNode mapping when range is not null:
                return range(mapping, display);
            case YamlMappingNode:
                throw Error(node, display, "expected one value or a list, got a mapping");
            case YamlScalarNode scalar when IsNull(scalar) && typeof(T) != typeof(double?):
                throw Error(node, display, "empty: give at least one value (or leave the key out for its default)");
            default:
                // A lone value is the list's only element, and is named by its key alone.
                Locations.Add(path, (int)node.Start.Line, (int)node.Start.Column, display);
                Locations.Add($"{path}[0]", (int)node.Start.Line, (int)node.Start.Column, display);
                return [element(node, display)];
        }
    }

    /// <summary>True when the node is a range to search, {low, high[, step][, log]}, rather than a list or {from, to, step}.</summary>
    public static bool IsRange(YamlNode node) =>
        node is YamlMappingNode mapping && mapping.Children.Keys.Any(k => k is YamlScalarNode { Value: "low" or "high" or "log" });

    /// <summary>
    /// A range to search, {low, high[, step][, log]}: whole numbers for <paramref name="integer"/> keys (step 1 unless
    /// given). Its keys are located under <paramref name="path"/> and named as <paramref name="display"/> spells it; its
    /// values are the validator's to check.
    /// </summary>
    public ValueRange Range(YamlNode node, string path, string? display, bool integer)
    {
        display ??= path;
        var map = Mapping(node, path, ["low", "high", "step", "log"], display);
        var example = integer ? "{low: 3, high: 7}" : "{low: 0.8, high: 0.97} (or with step: 0.01, or log: true)";
        var lowNode = map.Require(this, node, "low", $"a range needs low and high, e.g. {example}");
        var highNode = map.Require(this, node, "high", $"a range needs low and high, e.g. {example}");
        double Number(YamlNode value, string key) => integer ? Int(value, map.Path(key)) : Double(value, map.Path(key));
        Locations.Add(path, (int)node.Start.Line, (int)node.Start.Column, display);
        return new ValueRange(
            Number(lowNode, "low"),
            Number(highNode, "high"),
            OptionalBool(map.Get("log"), map.Path("log")) ?? false,
            map.Get("step") is { } step ? Number(step, "step") : integer ? 1 : null);
    }

    private List<double> DoubleRange(YamlMappingNode node, string path)
    {
        var map = Mapping(node, path, ["from", "to", "step"]);
        var from = Double(map.Require(this, node, "from", "a range needs from, to and step, e.g. {from: 0.8, to: 0.95, step: 0.05}"), map.Path("from"));
        var to = Double(map.Require(this, node, "to", "a range needs from, to and step, e.g. {from: 0.8, to: 0.95, step: 0.05}"), map.Path("to"));
        var stepNode = map.Require(this, node, "step", "a range of numbers needs a step, e.g. {from: 0.8, to: 0.95, step: 0.05}");
        var step = Double(stepNode, map.Path("step"));
        if (!(step > 0)) throw Error(stepNode, map.Path("step"), $"step must be above 0, got {Invariant(step)}");
        if (from > to) throw Error(node, path, $"empty range: from {Invariant(from)} is above to {Invariant(to)}");
        // A small tolerance so that 0.8..0.95 by 0.05 includes 0.95 despite binary fractions.
        var count = Math.Floor((to - from) / step + 1e-9) + 1;
        if (count > SweepSpecDefaults.MaxTrials) throw Error(node, path, $"the range gives {count:F0} values, more than {SweepSpecDefaults.MaxTrials:N0}");
        return [.. Enumerable.Range(0, (int)count).Select(i => Math.Round(from + i * step, 10))];
    }

    private List<int> IntRange(YamlMappingNode node, string path)
    {
        var map = Mapping(node, path, ["from", "to", "step"]);
        var from = Int(map.Require(this, node, "from", "a range needs from and to, e.g. {from: 3, to: 6}"), map.Path("from"));
        var to = Int(map.Require(this, node, "to", "a range needs from and to, e.g. {from: 3, to: 6}"), map.Path("to"));
        var step = map.Get("step") is { } stepNode ? Int(stepNode, map.Path("step")) : 1;
        if (step < 1) throw Error(map.Get("step"), map.Path("step"), $"step must be at least 1, got {step}");
        if (from > to) throw Error(node, path, $"empty range: from {from} is above to {to}");
        var count = ((long)to - from) / step + 1;
        if (count > SweepSpecDefaults.MaxTrials) throw Error(node, path, $"the range gives {count} values, more than {SweepSpecDefaults.MaxTrials:N0}");
        return [.. Enumerable.Range(0, (int)count).Select(i => from + i * step)];
    }

    private YamlScalarNode Scalar(YamlNode node, string path, string expected) =>
        node as YamlScalarNode ?? throw Error(node, path, $"expected {expected}, got {Describe(node)}");

    public static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style is YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any
        && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    public static string Describe(YamlNode node) => node switch
    {
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        YamlScalarNode scalar when IsNull(scalar) => "nothing",
        YamlScalarNode scalar => $"'{Clip(scalar.Value ?? "")}'",
        _ => "an alias",
    };

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    public static string Display(string path) => path.Length == 0 ? "(top level)" : path;

    /// <summary>Text from the file cut to <paramref name="max"/> characters, so that a message stays a line however long the value.</summary>
    public static string Clip(string text, int max = 60)
    {
        if (text.Length <= max) return text;
        // Never half a surrogate pair.
        var cut = char.IsHighSurrogate(text[max - 4]) ? max - 4 : max - 3;
        return string.Concat(text.AsSpan(0, cut), "...");
    }

    private static string Invariant(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}

/// <summary>The entries of one YAML mapping whose keys have been checked.</summary>
internal sealed class SpecMapping(string path, Dictionary<string, (YamlNode Key, YamlNode Value)> entries, string? display = null)
{
    public YamlNode? Get(string key) => entries.TryGetValue(key, out var entry) ? entry.Value : null;

    /// <summary>The node of the key itself (for its line), or null.</summary>
    public YamlNode? KeyNode(string key) => entries.TryGetValue(key, out var entry) ? entry.Key : null;

    public bool Has(string key) => entries.ContainsKey(key);

    /// <summary>The key as messages name it.</summary>
    public string Path(string key) => SpecReader.Join(display ?? path, key);

    /// <summary>The key as the checks locate it.</summary>
    public string Canonical(string key) => SpecReader.Join(path, key);

    public YamlNode Require(SpecReader reader, YamlNode owner, string key, string problem) =>
        Get(key) ?? throw reader.Error(owner, Path(key), $"missing: {problem}");
}

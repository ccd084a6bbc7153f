using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FocusedQuantization.Grains.Interfaces.Sweeps.Specs;

/// <summary>
/// Reads a sweep spec from YAML (snake_case keys; see examples/README.md) and refuses, before anything runs, any spec
/// that cannot run: every refusal is a <see cref="SweepSpecException"/> naming the file, the key and the line.
/// A scalar stands for a one-element list; numeric lists may be ranges {from, to, step}. Defaults: <see cref="SweepSpecDefaults"/>.
/// </summary>
public static class SweepSpecLoader
{
    private static readonly string[] TopKeys = ["name", "model", "dataset", "seed", "objectives", "constraints", "concurrency", "strategy", "training", "space"];
    private static readonly string[] ConstraintKeys = ["max_top1_drop"];
    private static readonly string[] StrategyKeys = ["kind", "budget", "seed"];
    private static readonly string[] TrainingKeys = ["baseline_epochs", "prune_epochs", "batch_size", "learning_rate", "train_limit", "test_limit", "data_dir"];
    private static readonly string[] SpaceKeys = ["sparsity", "prune_alpha", "bits", "w_sep", "overflow_rate", "schedule_scale", "fine_tune_lr", "coding"];
    private static readonly string[] BitsKeys = ["policy", "values", "candidates", "budget_bits_per_weight"];

    /// <summary>
    /// Reads and validates the spec at <paramref name="path"/>; a relative training.data_dir is taken relative to the
    /// spec's folder. A missing file is a <see cref="FileNotFoundException"/>.
    /// </summary>
    public static SweepSpec Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Sweep spec {path} does not exist.", path);
        var spec = Parse(File.ReadAllText(path), path);
        if (spec.Training.DataDirectory is { } dir && !Path.IsPathRooted(dir))
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            spec = spec with { Training = spec.Training with { DataDirectory = Path.GetFullPath(Path.Combine(folder, dir)) } };
        }
        return spec;
    }

    /// <summary>Reads and validates spec text; <paramref name="sourceName"/> names it in messages and gives the default name.</summary>
    public static SweepSpec Parse(string text, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceName);
        var root = ReadRoot(text, sourceName);
        var reader = new SpecReader(sourceName);
        var top = reader.Mapping(root, "", TopKeys);

        var spec = new SweepSpec(
            Name: reader.OptionalString(top.Get("name"), "name") ?? DefaultName(sourceName),
            Model: Model(reader, top),
            Dataset: Dataset(reader, top),
            Seed: reader.OptionalInt(top.Get("seed"), "seed") ?? SweepSpecDefaults.Seed,
            Objectives: Objectives(reader, top.Get("objectives")),
            MaxTop1Drop: top.Get("constraints") is { } constraints
                ? reader.OptionalDouble(reader.Mapping(constraints, "constraints", ConstraintKeys).Get("max_top1_drop"), "constraints.max_top1_drop")
                : null,
            Concurrency: reader.OptionalInt(top.Get("concurrency"), "concurrency") ?? SweepSpecDefaults.Concurrency,
            Strategy: Strategy(reader, top.Get("strategy")),
            Training: Training(reader, top.Get("training")),
            Space: Space(reader, top.Get("space"), sourceName));
        return SweepSpecValidator.Validate(spec, sourceName, reader.Locations);
    }

    private static YamlNode ReadRoot(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            // YamlDotNet prefixes its message with the marks; the location is already in front of ours.
            throw new SweepSpecException(source, null, $"YAML syntax error: {StripMarks(e.Message)}", (int)e.Start.Line, (int)e.Start.Column, e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner fails this way, without a position, on a flow list or mapping left open at the end.
            var open = UnclosedBracket(text);
            throw new SweepSpecException(source, null,
                open is { } at ? $"YAML syntax error: '{at.Bracket}' is never closed" : "YAML syntax error: the file ends inside an unfinished value",
                open?.Line, open?.Column, e);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode scalar && SpecReader.IsNull(scalar))
            throw new SweepSpecException(source, null, "the spec is empty; see examples/quickstart.yaml for a start");
        if (stream.Documents.Count > 1)
            throw new SweepSpecException(source, null, $"the file holds {stream.Documents.Count} YAML documents; a spec is one");
        return stream.Documents[0].RootNode;
    }

    /// <summary>The first [ or { still open at the end of the text, outside quotes and comments.</summary>
    private static (char Bracket, int Line, int Column)? UnclosedBracket(string text)
    {
        var open = new Stack<(char, int, int)>();
        var lines = text.Split('\n');
        for (var l = 0; l < lines.Length; l++)
        {
            char? quote = null;
            for (var c = 0; c < lines[l].Length; c++)
            {
                var ch = lines[l][c];
                if (quote is not null)
                {
                    if (ch == quote) quote = null;
                    continue;
                }
                if (ch is '"' or '\'') quote = ch;
                else if (ch == '#' && (c == 0 || char.IsWhiteSpace(lines[l][c - 1]))) break;
                else if (ch is '[' or '{') open.Push((ch, l + 1, c + 1));
                else if (ch is ']' or '}' && open.Count > 0) open.Pop();
            }
        }
        return open.Count > 0 ? open.Last() : null;
    }

    private static string StripMarks(string message)
    {
        // "(Line: 3, Col: 5, Idx: 20) - (Line: 3, Col: 6, Idx: 21): While scanning ..." -> "While scanning ..."
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && cut > 0 ? message[(cut + 3)..] : message;
    }

    private static string DefaultName(string source)
    {
        var stem = Path.GetFileNameWithoutExtension(source);
        return string.IsNullOrWhiteSpace(stem) ? "sweep" : stem;
    }

    private static string Model(SpecReader reader, SpecMapping top)
    {
        if (top.Get("model") is not { } node) return SweepSpecDefaults.Model;
        var name = reader.String(node, "model");
        return SweepVocabulary.Model(name) ?? throw reader.Error(node, "model",
            $"unknown model '{name}'; valid models: {string.Join(", ", SweepVocabulary.Models)}");
    }

    private static string Dataset(SpecReader reader, SpecMapping top)
    {
        if (top.Get("dataset") is not { } node) return SweepSpecDefaults.Dataset;
        var name = reader.String(node, "dataset");
        return SweepVocabulary.Dataset(name) ?? throw reader.Error(node, "dataset",
            $"unknown data set '{name}'; valid data sets: {string.Join(", ", SweepVocabulary.Datasets)}");
    }

    private static List<ObjectiveSpec> Objectives(SpecReader reader, YamlNode? node)
    {
        if (node is null) return [.. SweepSpecDefaults.Objectives];
        var texts = reader.Strings(node, "objectives");
        var objectives = new List<ObjectiveSpec>(texts.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            var path = node is YamlSequenceNode ? $"objectives[{i}]" : "objectives";
            var element = node is YamlSequenceNode sequence ? sequence.Children[i] : node;
            var words = texts[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            bool? maximize = words.Length == 2 ? words[0].ToLowerInvariant() switch
            {
                "maximize" or "maximise" or "max" => true,
                "minimize" or "minimise" or "min" => false,
                _ => null,
            } : null;
            if (maximize is null)
                throw reader.Error(element, path, $"expected 'maximize METRIC' or 'minimize METRIC', got '{texts[i]}'");
            var metric = SweepVocabulary.Metric(words[1]) ?? throw reader.Error(element, path,
                $"unknown metric '{words[1]}'; valid metrics: {string.Join(", ", SweepVocabulary.Metrics)}");
            objectives.Add(new ObjectiveSpec(metric, maximize.Value));
        }
        return objectives;
    }

    private static StrategySpec Strategy(SpecReader reader, YamlNode? node)
    {
        if (node is null) return new StrategySpec(SweepSpecDefaults.Strategy, null, null);
        // `strategy: grid` is short for { kind: grid }.
        if (node is YamlScalarNode) return new StrategySpec(Kind(reader, node), null, null);
        var map = reader.Mapping(node, "strategy", StrategyKeys);
        return new StrategySpec(
            map.Get("kind") is { } kind ? Kind(reader, kind) : SweepSpecDefaults.Strategy,
            reader.OptionalInt(map.Get("budget"), "strategy.budget"),
            reader.OptionalInt(map.Get("seed"), "strategy.seed"));
    }

    private static string Kind(SpecReader reader, YamlNode node)
    {
        var kind = reader.String(node, "strategy.kind").ToLowerInvariant();
        return SweepVocabulary.Strategies.Contains(kind) ? kind : throw reader.Error(node, "strategy.kind",
            $"unknown strategy kind '{kind}'; valid kinds: {string.Join(", ", SweepVocabulary.Strategies)}");
    }

    private static TrainingSpec Training(SpecReader reader, YamlNode? node)
    {
        var defaults = SweepSpecDefaults.Training;
        if (node is null) return defaults;
        var map = reader.Mapping(node, "training", TrainingKeys);
        return new TrainingSpec(
            reader.OptionalInt(map.Get("baseline_epochs"), "training.baseline_epochs") ?? defaults.BaselineEpochs,
            reader.OptionalInt(map.Get("prune_epochs"), "training.prune_epochs") ?? defaults.PruneEpochs,
            reader.OptionalInt(map.Get("batch_size"), "training.batch_size") ?? defaults.BatchSize,
            reader.OptionalDouble(map.Get("learning_rate"), "training.learning_rate") ?? defaults.LearningRate,
            Limit(reader, map.Get("train_limit"), "training.train_limit"),
            Limit(reader, map.Get("test_limit"), "training.test_limit"),
            reader.OptionalString(map.Get("data_dir"), "training.data_dir"));
    }

    /// <summary>An image count, or 'all' / nothing for every image.</summary>
    private static int? Limit(SpecReader reader, YamlNode? node, string path) =>
        node is YamlScalarNode { Value: { } text } && text.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)
            ? null
            : reader.OptionalInt(node, path);

    private static SearchSpace Space(SpecReader reader, YamlNode? node, string source)
    {
        if (node is null)
            throw new SweepSpecException(source, "space",
                "missing: a sweep needs a search space with space.sparsity or space.prune_alpha at least");
        var map = reader.Mapping(node, "space", SpaceKeys);
        return new SearchSpace(
            TargetSparsity: map.Get("sparsity") is { } sparsity ? reader.Doubles(sparsity, "space.sparsity") : null,
            PruneAlpha: map.Get("prune_alpha") is { } alpha ? reader.Doubles(alpha, "space.prune_alpha") : null,
            Bits: map.Get("bits") is { } bits ? Bits(reader, bits) : SweepSpecDefaults.Bits,
            WSep: map.Get("w_sep") is { } wSep ? reader.Doubles(wSep, "space.w_sep") : SweepSpecDefaults.WSep,
            OverflowRate: map.Get("overflow_rate") is { } overflow ? reader.DoublesOrDefault(overflow, "space.overflow_rate") : SweepSpecDefaults.OverflowRate,
            ScheduleScale: map.Get("schedule_scale") is { } scale ? reader.Doubles(scale, "space.schedule_scale") : SweepSpecDefaults.ScheduleScale,
            FineTuneLearningRate: map.Get("fine_tune_lr") is { } lr ? reader.Doubles(lr, "space.fine_tune_lr") : SweepSpecDefaults.FineTuneLearningRate,
            Coding: map.Get("coding") is { } coding ? Coding(reader, coding) : SweepSpecDefaults.Coding);
    }

    private static List<string> Coding(SpecReader reader, YamlNode node)
    {
        var names = reader.Strings(node, "space.coding");
        for (var i = 0; i < names.Count; i++)
        {
            if (SweepVocabulary.Coding(names[i]) is { } canonical) names[i] = canonical;
            else
            {
                var path = node is YamlSequenceNode ? $"space.coding[{i}]" : "space.coding";
                throw reader.Error(node is YamlSequenceNode sequence ? sequence.Children[i] : node, path,
                    $"unknown coding mode '{names[i]}'; valid modes: {string.Join(", ", SweepVocabulary.CodingModes)}");
            }
        }
        return names;
    }

    /// <summary>A list or range of widths (uniform), or { policy, values | candidates, budget_bits_per_weight }.</summary>
    private static BitsSpace Bits(SpecReader reader, YamlNode node)
    {
        if (node is not YamlMappingNode mapping || mapping.Children.Keys.Any(k => k is YamlScalarNode { Value: "from" or "to" or "step" }))
            return new BitsSpace("uniform", reader.Ints(node, "space.bits"), null);

        var map = reader.Mapping(node, "space.bits", BitsKeys);
        var policy = map.Get("policy") is { } policyNode ? reader.String(policyNode, "space.bits.policy").ToLowerInvariant().Replace('_', '-') : "uniform";
        switch (policy)
        {
            case "uniform":
                if (map.Has("candidates")) throw reader.Error(map.Get("candidates"), "space.bits.candidates", "policy uniform takes values, not candidates (those are for policy per-layer)");
                if (map.Has("budget_bits_per_weight")) throw reader.Error(map.Get("budget_bits_per_weight"), "space.bits.budget_bits_per_weight", "a budget applies only to policy per-layer");
                var values = map.Require(reader, node, "values", "policy uniform needs values, e.g. { policy: uniform, values: [4, 5] }");
                return new BitsSpace("uniform", reader.Ints(values, "space.bits", "space.bits.values"), null);
            case "per-layer":
                if (map.Has("values")) throw reader.Error(map.Get("values"), "space.bits.values", "policy per-layer takes candidates (the widths each layer may get), not values");
                var candidates = map.Require(reader, node, "candidates", "policy per-layer needs candidates, e.g. candidates: [3, 4, 5, 6]");
                var budgets = map.Require(reader, node, "budget_bits_per_weight", "policy per-layer needs budget_bits_per_weight, e.g. [3.5, 4.5]");
                return new BitsSpace("per-layer", reader.Ints(candidates, "space.bits.candidates"), reader.Doubles(budgets, "space.bits.budget_bits_per_weight"));
            default:
                throw reader.Error(map.Get("policy"), "space.bits.policy",
                    $"unknown bits policy '{policy}'; valid policies: {string.Join(", ", SweepVocabulary.BitsPolicies)}");
        }
    }
}

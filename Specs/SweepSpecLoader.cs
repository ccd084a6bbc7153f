using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.Models;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using Keys = FocusedQuantization.Grains.Interfaces.Sweeps.SpaceKeys;

namespace FocusedQuantization.Specs;

/// <summary>
/// Reads a sweep spec from YAML (snake_case keys; see examples/README.md) and refuses, before anything runs, any spec
/// that cannot run: every refusal is a <see cref="SweepSpecException"/> naming the file, the key and the line.
/// A scalar stands for a one-element list; numeric lists may be written {from, to, step}; a numeric key may instead be
/// a range to search, {low, high[, step][, log]}. Layer patterns under space.layers are resolved against the model's
/// layers when the spec is read, so that the spec holds concrete layer names. Defaults: <see cref="SweepSpecDefaults"/>.
/// </summary>
public static class SweepSpecLoader
{
    private static readonly string[] TopKeys = ["name", "model", "weights", "dataset", "seed", "objectives", "constraints", "concurrency", "strategy", "early_stopping", "training", "space"];
    private static readonly string[] ModelKeys = ["name", "weights"];
    private static readonly string[] ConstraintKeys = ["max_top1_drop"];
    private static readonly string[] StrategyKeys = ["kind", "budget", "seed", "lag", "warm_start", "population", "startup"];
    private static readonly string[] EarlyStoppingKeys = ["eta", "min_fraction", "rungs"];
    private static readonly string[] TrainingKeys = ["baseline_epochs", "prune_epochs", "batch_size", "learning_rate", "train_limit", "test_limit", "validation", "data_dir", "image_size", "skip_bad_images", "device"];
    private static readonly string[] SpaceKeys = ["sparsity", "prune_alpha", "bits", "w_sep", "overflow_rate", "schedule_scale", "fine_tune_lr", "fine_tune", "coding", "layers"];
    private static readonly string[] LayerKeys = ["sparsity", "bits"];
    private static readonly string[] BitsKeys = ["policy", "values", "candidates", "budget_bits_per_weight"];

    /// <summary>Largest spec read, in bytes of the file or characters of the text: 1,000,000 (the examples are under 2,000).</summary>
    public const int MaxFileBytes = 1_000_000;

    /// <summary>Deepest nesting of lists and mappings: 32 (a spec needs 4). YamlDotNet builds nodes recursively.</summary>
    public const int MaxDepth = 32;

    /// <summary>Most values that aliases may stand for, counted as if expanded: 10,000.</summary>
    public const int MaxAliasNodes = 10_000;

    /// <summary>
    /// Reads and validates the spec at <paramref name="path"/>; a relative training.data_dir is taken relative to the
    /// spec's folder. A missing file is a <see cref="FileNotFoundException"/>.
    /// </summary>
    public static SweepSpec Load(string path) => Load(path, null);

    /// <summary>
    /// Reads and validates the spec at <paramref name="path"/>, resolving space.layers patterns against the layers
    /// <paramref name="layerNames"/> gives for a model (weight names in the model's order, e.g. conv1.weight; null: the
    /// model's layers are unknown). Null: <see cref="ModelLayerNames.Of"/>, the model zoo's.
    /// </summary>
    public static SweepSpec Load(string path, Func<string, IReadOnlyList<string>?>? layerNames)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Sweep spec {path} does not exist.", path);
        // Measured before reading, so that a huge file is never read whole.
        var length = new FileInfo(path).Length;
        if (length > MaxFileBytes)
            throw new SweepSpecException(path, null, $"the file is {length:N0} bytes long; a spec may have at most {MaxFileBytes:N0}");
        return Read(File.ReadAllText(path), path, Path.GetDirectoryName(Path.GetFullPath(path))!, layerNames);
    }

    /// <summary>
    /// Reads and validates spec text; <paramref name="sourceName"/> names it in messages and gives the default name. A
    /// relative training.data_dir is taken relative to the current directory.
    /// </summary>
    public static SweepSpec Parse(string text, string sourceName) => Parse(text, sourceName, null);

    /// <summary>As <see cref="Parse(string, string)"/>, resolving layer patterns with <paramref name="layerNames"/> (see <see cref="Load(string, Func{string, IReadOnlyList{string}?}?)"/>).</summary>
    public static SweepSpec Parse(string text, string sourceName, Func<string, IReadOnlyList<string>?>? layerNames)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceName);
        return Read(text, sourceName, Directory.GetCurrentDirectory(), layerNames);
    }

    private static SweepSpec Read(string text, string sourceName, string folder, Func<string, IReadOnlyList<string>?>? layerNames)
    {
        var root = ReadRoot(text, sourceName);
        var reader = new SpecReader(sourceName);
        var top = reader.Mapping(root, "", TopKeys);
        var training = top.Get("training") is { } trainingNode ? reader.Mapping(trainingNode, "training", TrainingKeys) : null;

        var weights = Weights(reader, top, folder);
        var model = Model(reader, top);
        var spec = new SweepSpec(
            Name: reader.OptionalString(top.Get("name"), "name") ?? DefaultName(sourceName),
            Model: model,
            Dataset: Dataset(reader, top, training, folder),
            Seed: reader.OptionalInt(top.Get("seed"), "seed") ?? SweepSpecDefaults.Seed,
            Objectives: Objectives(reader, top.Get("objectives")),
            MaxTop1Drop: top.Get("constraints") is { } constraints
                ? reader.OptionalDouble(reader.Mapping(constraints, "constraints", ConstraintKeys).Get("max_top1_drop"), "constraints.max_top1_drop")
                : null,
            Concurrency: reader.OptionalInt(top.Get("concurrency"), "concurrency") ?? SweepSpecDefaults.Concurrency,
            Strategy: Strategy(reader, top.Get("strategy")),
            Training: Training(reader, training, folder) with { Weights = weights?.Path, WeightsSha256 = weights?.Sha256 },
            Space: Space(reader, top.Get("space"), sourceName, model, layerNames ?? ModelLayerNames.Of))
        {
            EarlyStopping = EarlyStopping(reader, top.Get("early_stopping")),
        };
        return SweepSpecValidator.Validate(spec, sourceName, reader.Locations);
    }

    private static YamlNode ReadRoot(string text, string source)
    {
        if (text.Length > MaxFileBytes)
            throw new SweepSpecException(source, null, $"the spec is {text.Length:N0} characters long; a spec may have at most {MaxFileBytes:N0}");
        // The guard sees every event before the YamlStream builds on it, so depth and aliases are refused before they cost.
        var guard = new SpecYamlGuard(text, source);
        var stream = new YamlStream();
        try
        {
            stream.Load(guard);
        }
        catch (YamlException e) when (e.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) && TabIndent(text, guard.LastLine) is { } tab)
        {
            // YamlDotNet places a tab in the indentation at the start of the enclosing mapping (often 1:1); this is the tab.
            throw TabError(source, tab, e);
        }
        catch (YamlException e)
        {
            // YamlDotNet prefixes its message with the marks; the location is already in front of ours.
            throw new SweepSpecException(source, null, $"YAML syntax error: {StripMarks(e.Message)}", (int)e.Start.Line, (int)e.Start.Column, e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner fails this way, without a position, on a flow list or mapping left open at the end,
            // and on a tab indenting a line inside one.
            if (UnclosedBracket(text) is { } open)
                throw new SweepSpecException(source, null, $"YAML syntax error: '{open.Bracket}' is never closed", open.Line, open.Column, e);
            if (TabIndent(text, guard.LastLine) is { } tab) throw TabError(source, tab, e);
            throw new SweepSpecException(source, null, "YAML syntax error: the file ends inside an unfinished value", inner: e);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode scalar && SpecReader.IsNull(scalar))
            throw new SweepSpecException(source, null, "the spec is empty; see examples/quickstart.yaml for a start");
        if (stream.Documents.Count > 1)
            throw new SweepSpecException(source, null, $"the file holds {stream.Documents.Count} YAML documents; a spec is one");
        return stream.Documents[0].RootNode;
    }

    private static SweepSpecException TabError(string source, (int Line, int Column, string Text) tab, Exception inner) =>
        new(source, null, $"YAML syntax error: a tab indents '{SpecReader.Clip(tab.Text)}'; indent with spaces only", tab.Line, tab.Column, inner);

    /// <summary>The first tab in a line's indentation, from line <paramref name="fromLine"/> on or else anywhere, with the text it indents.</summary>
    private static (int Line, int Column, string Text)? TabIndent(string text, long fromLine)
    {
        var lines = text.Split('\n');
        (int, int, string)? first = null;
        for (var l = 0; l < lines.Length; l++)
        {
            var line = lines[l].TrimEnd('\r');
            var indent = line.Length - line.TrimStart(' ', '\t').Length;
            var tab = line.IndexOf('\t', 0, indent);
            if (tab < 0) continue;
            var found = (l + 1, tab + 1, line[indent..]);
            if (l + 1 >= fromLine) return found;
            first ??= found;
        }
        return first;
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

    /// <summary>`model: resnet18`, or `model: { name: resnet18, weights: r18.pth }`.</summary>
    private static string Model(SpecReader reader, SpecMapping top)
    {
        if (top.Get("model") is not { } node) return SweepSpecDefaults.Model;
        var path = "model";
        if (node is YamlMappingNode)
        {
            node = reader.Mapping(node, "model", ModelKeys).Require(reader, node, "name", "missing: the model's name (resnet18, ...)");
            path = "model.name";
        }
        var name = reader.String(node, path);
        return SweepVocabulary.Model(name) ?? throw reader.Error(node, path,
            $"unknown model '{SpecReader.Clip(name)}'; valid models: {string.Join(", ", SweepVocabulary.Models)}");
    }

    /// <summary>
    /// model.weights (or a top-level weights:): a PyTorch state_dict or safetensors file, made absolute against
    /// <paramref name="folder"/> and hashed, so that other weights make another baseline.
    /// </summary>
    private static WeightsFile? Weights(SpecReader reader, SpecMapping top, string folder)
    {
        var inModel = top.Get("model") is YamlMappingNode model ? reader.Mapping(model, "model", ModelKeys).Get("weights") : null;
        var node = inModel ?? top.Get("weights");
        var key = inModel is not null ? "model.weights" : "weights";
        if (inModel is not null && top.Get("weights") is { } twice)
            throw reader.Error(twice, "weights", "the weights are given twice, as model.weights and as weights; keep one");
        if (reader.OptionalString(node, key) is not { } file) return null;
        var full = Path.GetFullPath(Path.Combine(folder, file));
        if (!File.Exists(full))
            throw reader.Error(node, key, $"{SpecReader.Clip(full, 200)} does not exist; give a file written by torch.save(model.state_dict(), f) or a .safetensors file");
        return WeightsFile.Of(full);
    }

    /// <summary>
    /// The data set's canonical name (<see cref="DataSource"/>): a built-in name, or imagefolder:PATH, cifar10:PATH,
    /// cifar100:PATH with PATH made absolute against <paramref name="folder"/>, and training.image_size and
    /// training.skip_bad_images folded in, so that every silo reads the same images the same way.
    /// </summary>
    private static string Dataset(SpecReader reader, SpecMapping top, SpecMapping? training, string folder)
    {
        var node = top.Get("dataset");
        var name = node is null ? SweepSpecDefaults.Dataset : reader.String(node, "dataset");
        var sizeNode = training?.Get("image_size");
        var skipNode = training?.Get("skip_bad_images");
        var size = reader.OptionalInt(sizeNode, "training.image_size");
        var skip = Bool(reader, skipNode, "training.skip_bad_images");
        DataSource source;
        if (DataSource.HasPathPrefix(name))
        {
            var colon = name.IndexOf(':');
            var path = name[(colon + 1)..];
            if (path.Length > 0 && !Path.IsPathRooted(path) && !path.StartsWith('~')) path = Path.Combine(folder, path);
            try
            {
                source = DataSource.Parse(name[..(colon + 1)] + path);
            }
            catch (ArgumentException e)
            {
                throw reader.Error(node, "dataset", e.Message.TrimEnd('.'));
            }
        }
        else
        {
            var builtin = SweepVocabulary.Dataset(name) ?? throw reader.Error(node, "dataset",
                $"unknown data set '{SpecReader.Clip(name)}'; valid data sets: {string.Join(", ", SweepVocabulary.Datasets)}, imagefolder:PATH, cifar10:PATH, cifar100:PATH");
            source = DataSource.Parse(builtin);
        }
        if (size is < 8 or > 4096) throw reader.Error(sizeNode, "training.image_size", $"the image size must be between 8 and 4096 pixels, got {size}");
        try
        {
            return source.With(size, skip).Name;
        }
        catch (ArgumentException e)
        {
            throw reader.Error(size is not null ? sizeNode : skipNode, size is not null ? "training.image_size" : "training.skip_bad_images", e.Message.TrimEnd('.'));
        }
    }

    /// <summary>true or false, or null when the key is left out.</summary>
    private static bool? Bool(SpecReader reader, YamlNode? node, string path) => node is null ? null : reader.OptionalBool(node, path) ?? throw reader.Error(node, path, "expected true or false, got nothing");

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
                throw reader.Error(element, path, $"expected 'maximize METRIC' or 'minimize METRIC', got '{SpecReader.Clip(texts[i])}'");
            var metric = SweepVocabulary.Metric(words[1]) ?? throw reader.Error(element, path,
                $"unknown metric '{SpecReader.Clip(words[1])}'; valid metrics: {string.Join(", ", SweepVocabulary.Metrics)}");
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
            reader.OptionalInt(map.Get("seed"), "strategy.seed"))
        {
            Lag = reader.OptionalInt(map.Get("lag"), "strategy.lag"),
            WarmStart = reader.OptionalString(map.Get("warm_start"), "strategy.warm_start"),
            Population = reader.OptionalInt(map.Get("population"), "strategy.population"),
            Startup = reader.OptionalInt(map.Get("startup"), "strategy.startup"),
        };
    }

    /// <summary>
    /// early_stopping: { eta, min_fraction } or { eta, rungs: [epochs] } with <see cref="SweepSpecDefaults.EarlyStopping"/>
    /// for what is left out; `early_stopping: true` (or {}) for the defaults; false or nothing for none.
    /// </summary>
    private static EarlyStoppingSpec? EarlyStopping(SpecReader reader, YamlNode? node)
    {
        if (node is null) return null;
        var defaults = SweepSpecDefaults.EarlyStopping;
        if (node is YamlScalarNode) return reader.OptionalBool(node, "early_stopping") == true ? defaults : null;
        var map = reader.Mapping(node, "early_stopping", EarlyStoppingKeys);
        if (map.Has("rungs") && map.Has("min_fraction"))
            throw reader.Error(map.KeyNode("rungs"), "early_stopping.rungs", "give either rungs or min_fraction, not both (min_fraction places geometric rungs)");
        return new EarlyStoppingSpec(
            reader.OptionalInt(map.Get("eta"), "early_stopping.eta") ?? defaults.Eta,
            reader.OptionalDouble(map.Get("min_fraction"), "early_stopping.min_fraction") ?? defaults.MinFraction)
        {
            Rungs = map.Get("rungs") is { } rungs ? reader.Ints(rungs, "early_stopping.rungs") : null,
        };
    }

    private static StrategyKind Kind(SpecReader reader, YamlNode node)
    {
        var kind = reader.String(node, "strategy.kind").ToLowerInvariant();
        return SweepVocabulary.Strategy(kind) ?? throw reader.Error(node, "strategy.kind",
            $"unknown strategy kind '{SpecReader.Clip(kind)}'; valid kinds: {string.Join(", ", SweepVocabulary.Strategies)}");
    }

    private static TrainingSpec Training(SpecReader reader, SpecMapping? map, string folder)
    {
        var defaults = SweepSpecDefaults.Training;
        if (map is null) return defaults;
        return new TrainingSpec(
            reader.OptionalInt(map.Get("baseline_epochs"), "training.baseline_epochs") ?? defaults.BaselineEpochs,
            reader.OptionalInt(map.Get("prune_epochs"), "training.prune_epochs") ?? defaults.PruneEpochs,
            reader.OptionalInt(map.Get("batch_size"), "training.batch_size") ?? defaults.BatchSize,
            reader.OptionalDouble(map.Get("learning_rate"), "training.learning_rate") ?? defaults.LearningRate,
            Limit(reader, map.Get("train_limit"), "training.train_limit"),
            Limit(reader, map.Get("test_limit"), "training.test_limit"),
            DataDirectory(reader, map.Get("data_dir"), folder))
        {
            Validation = Validation(reader, map.Get("validation")),
            Device = reader.OptionalString(map.Get("device"), "training.device"),
        };
    }

    /// <summary>
    /// training.validation: a fraction (0.1), a percentage ("10%") or a count of images (5000). A percentage is read by
    /// Compression's own parser (<see cref="ValidationSplit.Parse"/>), so that the spec and `fq compress --validation`
    /// accept the same text; the range of a number is the validator's to check, with the key.
    /// </summary>
    private static double? Validation(SpecReader reader, YamlNode? node)
    {
        if (node is YamlScalarNode { Value: { } text } && text.Trim().EndsWith('%'))
        {
            try
            {
                return ValidationSplit.Parse(text).Value;
            }
            catch (ArgumentException)
            {
                throw reader.Error(node, "training.validation", $"'{SpecReader.Clip(text)}' is not a percentage between 0 and 100");
            }
        }
        return reader.OptionalDouble(node, "training.validation");
    }

    /// <summary>
    /// training.data_dir made absolute against <paramref name="folder"/>. It must be an existing folder: the data set is
    /// otherwise looked for in the usual places, and a run would train on another copy without a word.
    /// </summary>
    private static string? DataDirectory(SpecReader reader, YamlNode? node, string folder)
    {
        if (reader.OptionalString(node, "training.data_dir") is not { } dir) return null;
        const string Want = "give the folder that holds the data set's files, or leave data_dir out to search the usual places";
        if (dir.Length == 0) throw reader.Error(node, "training.data_dir", $"data_dir is empty; {Want}");
        if (dir.Contains('\0')) throw reader.Error(node, "training.data_dir", $"data_dir holds a NUL character, which no path may hold; {Want}");
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(folder, dir)));
        if (Directory.Exists(full)) return full;
        throw reader.Error(node, "training.data_dir", File.Exists(full)
            ? $"{SpecReader.Clip(full, 200)} is a file, not a folder; {Want}"
            : $"{SpecReader.Clip(full, 200)} does not exist; {Want}");
    }

    /// <summary>An image count, or 'all' / nothing for every image.</summary>
    private static int? Limit(SpecReader reader, YamlNode? node, string path) =>
        node is YamlScalarNode { Value: { } text } && text.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)
            ? null
            : reader.OptionalInt(node, path);

    private static SearchSpace Space(SpecReader reader, YamlNode? node, string source, string model, Func<string, IReadOnlyList<string>?> layerNames)
    {
        if (node is null)
            throw new SweepSpecException(source, "space",
                "missing: a sweep needs a search space with space.sparsity or space.prune_alpha at least");
        var map = reader.Mapping(node, "space", SpaceKeys);
        var ranges = new Dictionary<string, ValueRange>(StringComparer.Ordinal);
        List<double>? Numbers(string key) => map.Get(key) is { } value ? Doubles(reader, value, $"space.{key}", null, range => ranges[key] = range) : null;
        return new SearchSpace(
            TargetSparsity: Numbers(Keys.Sparsity),
            PruneAlpha: Numbers(Keys.PruneAlpha),
            Bits: map.Get("bits") is { } bits ? Bits(reader, bits, ranges) : SweepSpecDefaults.Bits,
            WSep: (IReadOnlyList<double>?)Numbers(Keys.WSep) ?? SweepSpecDefaults.WSep,
            OverflowRate: map.Get("overflow_rate") is { } overflow
                ? SpecReader.IsRange(overflow)
                    ? Ranged(reader.Range(overflow, "space.overflow_rate", null, integer: false), range => ranges[Keys.OverflowRate] = range, new List<double?>())
                    : reader.DoublesOrDefault(overflow, "space.overflow_rate")
                : SweepSpecDefaults.OverflowRate,
            ScheduleScale: (IReadOnlyList<double>?)Numbers(Keys.ScheduleScale) ?? SweepSpecDefaults.ScheduleScale,
            FineTuneLearningRate: (IReadOnlyList<double>?)Numbers(Keys.FineTuneLearningRate) ?? SweepSpecDefaults.FineTuneLearningRate,
            Coding: map.Get("coding") is { } coding
                ? Names(reader, coding, "space.coding", SweepVocabulary.Coding, "coding mode")
                : SweepSpecDefaults.Coding)
        {
            FineTune = map.Get("fine_tune") is { } fineTune
                ? Names(reader, fineTune, "space.fine_tune", SweepVocabulary.FineTune, "fine-tuning mode")
                : SweepSpecDefaults.FineTune,
            Ranges = ranges.Count > 0 ? ranges : null,
            Layers = map.Get("layers") is { } layers ? Layers(reader, map.KeyNode("layers")!, layers, model, layerNames) : null,
        };
    }

    /// <summary>Hands a range to <paramref name="keep"/> and stands for it in the key's list with <paramref name="empty"/>.</summary>
    private static TList Ranged<TList>(ValueRange range, Action<ValueRange> keep, TList empty)
    {
        keep(range);
        return empty;
    }

    /// <summary>Numbers: a value, a list, {from, to, step} (the values), or a range to search (handed to <paramref name="range"/>; the list is then empty).</summary>
    private static List<double> Doubles(SpecReader reader, YamlNode node, string path, string? display, Action<ValueRange> range) =>
        SpecReader.IsRange(node) ? Ranged(reader.Range(node, path, display, integer: false), range, new List<double>()) : reader.Doubles(node, path, display);

    /// <summary>Whole numbers: a value, a list, {from, to[, step]} (the values), or a range to search {low, high[, step][, log]}.</summary>
    private static List<int> Ints(SpecReader reader, YamlNode node, string path, string? display, Action<ValueRange> range) =>
        SpecReader.IsRange(node) ? Ranged(reader.Range(node, path, display, integer: true), range, new List<int>()) : reader.Ints(node, path, display);

    /// <summary>A list of names from a vocabulary, each read as its member; an unknown one is refused with the valid ones.</summary>
    private static List<T> Names<T>(SpecReader reader, YamlNode node, string key, Func<string, T?> parse, string what) where T : struct, Enum
    {
        var names = reader.Strings(node, key);
        var values = new List<T>(names.Count);
        for (var i = 0; i < names.Count; i++)
        {
            if (parse(names[i]) is { } value) values.Add(value);
            else
            {
                var path = node is YamlSequenceNode ? $"{key}[{i}]" : key;
                throw reader.Error(node is YamlSequenceNode sequence ? sequence.Children[i] : node, path,
                    $"unknown {what} '{SpecReader.Clip(names[i])}'; valid modes: {string.Join(", ", SweepVocabulary.Names<T>())}");
            }
        }
        return values;
    }

    /// <summary>
    /// A list or range of widths (uniform), or { policy, values | candidates, budget_bits_per_weight }; policy may be a
    /// list of both policies, which makes it a choice of the search: values are then the uniform widths, candidates the
    /// per-layer ones, and budget_bits_per_weight applies under per-layer only.
    /// </summary>
    private static BitsSpace Bits(SpecReader reader, YamlNode node, Dictionary<string, ValueRange> ranges)
    {
        void KeepWidths(ValueRange range) => ranges[Keys.Bits] = range;
        void KeepBudget(ValueRange range) => ranges[Keys.BudgetBitsPerWeight] = range;
        if (node is not YamlMappingNode mapping || mapping.Children.Keys.Any(k => k is YamlScalarNode { Value: "from" or "to" or "step" or "low" or "high" or "log" }))
            return new BitsSpace(BitsPolicy.Uniform, Ints(reader, node, "space.bits", null, KeepWidths), null);

        var map = reader.Mapping(node, "space.bits", BitsKeys);
        var policies = map.Get("policy") is { } policyNode ? Policies(reader, policyNode) : [BitsPolicy.Uniform];
        if (policies.Count > 1)
        {
            const string Want = "a choice of policies needs values (the uniform widths), candidates (the per-layer ones) and budget_bits_per_weight (per-layer), e.g. { policy: [uniform, per-layer], values: [4, 5], candidates: [3, 4, 5, 6], budget_bits_per_weight: {low: 0.8, high: 1.2} }";
            var widths = map.Require(reader, node, "values", Want);
            var candidateNode = map.Require(reader, node, "candidates", Want);
            var budgetNode = map.Require(reader, node, "budget_bits_per_weight", Want);
            return new BitsSpace(policies[0], Ints(reader, widths, "space.bits", "space.bits.values", KeepWidths),
                Doubles(reader, budgetNode, "space.bits.budget_bits_per_weight", null, KeepBudget))
            {
                Policies = policies,
                Candidates = Candidates(reader, candidateNode),
            };
        }
        switch (policies[0])
        {
            case BitsPolicy.Uniform:
                if (map.Has("candidates")) throw reader.Error(map.Get("candidates"), "space.bits.candidates", "policy uniform takes values, not candidates (those are for policy per-layer)");
                if (map.Has("budget_bits_per_weight")) throw reader.Error(map.Get("budget_bits_per_weight"), "space.bits.budget_bits_per_weight", "a budget applies only to policy per-layer");
                var values = map.Require(reader, node, "values", "policy uniform needs values, e.g. { policy: uniform, values: [4, 5] }");
                return new BitsSpace(BitsPolicy.Uniform, Ints(reader, values, "space.bits", "space.bits.values", KeepWidths), null);
            default:
                if (map.Has("values")) throw reader.Error(map.Get("values"), "space.bits.values", "policy per-layer takes candidates (the widths each layer may get), not values");
                var candidates = map.Require(reader, node, "candidates", "policy per-layer needs candidates, e.g. candidates: [3, 4, 5, 6]");
                var budgets = map.Require(reader, node, "budget_bits_per_weight", "policy per-layer needs budget_bits_per_weight, e.g. [3.5, 4.5]");
                return new BitsSpace(BitsPolicy.PerLayer, Candidates(reader, candidates), Doubles(reader, budgets, "space.bits.budget_bits_per_weight", null, KeepBudget));
        }
    }

    /// <summary>The per-layer candidates: the widths each layer may get (a list or {from, to}); they are chosen from under the budget, not searched.</summary>
    private static List<int> Candidates(SpecReader reader, YamlNode node) => SpecReader.IsRange(node)
        ? throw reader.Error(node, "space.bits.candidates", "candidates are the widths each layer may get, chosen under the budget rather than searched: give a list (or {from: 3, to: 6}), not {low, high}")
        : reader.Ints(node, "space.bits.candidates");

    /// <summary>bits.policy: one policy, or a list of policies (each once) to choose among.</summary>
    private static List<BitsPolicy> Policies(SpecReader reader, YamlNode node)
    {
        var words = reader.Strings(node, "space.bits.policy");
        var policies = new List<BitsPolicy>(words.Count);
        for (var i = 0; i < words.Count; i++)
        {
            var path = node is YamlSequenceNode ? $"space.bits.policy[{i}]" : "space.bits.policy";
            var at = node is YamlSequenceNode sequence ? sequence.Children[i] : node;
            var word = words[i].ToLowerInvariant().Replace('_', '-');
            var policy = SweepVocabulary.Policy(word) ?? throw reader.Error(at, path,
                $"unknown bits policy '{SpecReader.Clip(word)}'; valid policies: {string.Join(", ", SweepVocabulary.BitsPolicies)}");
            if (policies.Contains(policy)) throw reader.Error(at, path, $"the policy '{SweepVocabulary.Name(policy)}' appears twice; give each policy once");
            policies.Add(policy);
        }
        return policies;
    }

    /// <summary>
    /// space.layers: { PATTERN: { sparsity, bits }, ... }. Each pattern (* any run of characters, ? one) is matched against
    /// the model's layers, by name (fc1) or weight name (fc1.weight); every layer it matches gets its own dimensions with
    /// the pattern's values. A pattern matching no layer, or a layer matched twice, is refused at the pattern.
    /// </summary>
    private static List<LayerSpace> Layers(SpecReader reader, YamlNode key, YamlNode node, string model, Func<string, IReadOnlyList<string>?> layerNames)
    {
        var patterns = reader.Entries(node, "space.layers", "layer patterns, e.g. { fc1: { sparsity: {low: 0.9, high: 0.99} } }");
        IReadOnlyList<string>? weights;
        try
        {
            weights = layerNames(model);
        }
        catch (Exception e) when (e is not SweepSpecException and not OutOfMemoryException)
        {
            throw reader.Error(key, "space.layers", $"the layers of model {model} cannot be listed: {SpecReader.Clip(e.Message, 200)}");
        }
        if (weights is null || weights.Count == 0)
            throw reader.Error(key, "space.layers", $"the layers of model {model} are not known here, so layer patterns cannot be resolved");
        var layers = weights.Select(w => (Layer: LayerName(w), Weight: w)).ToArray();
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        var chosen = new Dictionary<string, LayerSpace>(StringComparer.Ordinal);
        for (var p = 0; p < patterns.Count; p++)
        {
            var (pattern, keyNode, value) = patterns[p];
            var display = $"space.layers.{SpecReader.Clip(pattern)}";
            // Located under a key of its own, then given to each layer it matches (messages name the pattern).
            var canonical = $"space.layers\u0001{p}";
            var entry = reader.Mapping(value, canonical, LayerKeys, display);
            if (!entry.Has("sparsity") && !entry.Has("bits"))
                throw reader.Error(value, display, "give sparsity, bits or both for the layers this pattern names");
            ValueRange? sparsityRange = null, bitsRange = null;
            var sparsity = entry.Get("sparsity") is { } s ? Doubles(reader, s, entry.Canonical("sparsity"), entry.Path("sparsity"), r => sparsityRange = r) : null;
            var bits = entry.Get("bits") is { } b
                ? b is YamlMappingNode m && m.Children.Keys.Any(k => k is YamlScalarNode { Value: "policy" or "values" or "candidates" or "budget_bits_per_weight" })
                    ? throw reader.Error(b, entry.Path("bits"), "a layer's bits are its own widths (a list or a range, uniform policy); the policy is set by space.bits")
                    : Ints(reader, b, entry.Canonical("bits"), entry.Path("bits"), r => bitsRange = r)
                : null;
            var matches = layers.Where(l => Glob.Matches(pattern, l.Layer) || Glob.Matches(pattern, l.Weight)).ToArray();
            if (matches.Length == 0)
                throw reader.Error(keyNode, display, $"the pattern '{SpecReader.Clip(pattern)}' matches no layer of {model}; its layers: {SpecReader.Clip(string.Join(", ", layers.Select(l => l.Layer)), 300)}");
            foreach (var (layer, weight) in matches)
            {
                if (owners.TryGetValue(layer, out var first))
                    throw reader.Error(keyNode, display, $"layer {layer} is also named by '{SpecReader.Clip(first)}'; give each layer once");
                owners[layer] = pattern;
                chosen[layer] = new LayerSpace(layer, weight)
                {
                    Sparsity = sparsityRange is null ? sparsity : null,
                    SparsityRange = sparsityRange,
                    Bits = bitsRange is null ? bits : null,
                    BitsRange = bitsRange,
                };
                reader.Locations.Mirror(canonical, $"space.layers.{layer}");
            }
        }
        // In the model's order, whatever the patterns' order.
        return [.. layers.Where(l => chosen.ContainsKey(l.Layer)).Select(l => chosen[l.Layer])];
    }

    /// <summary>A layer's name as a spec writes it: its weight's name without ".weight" (fc1 for fc1.weight).</summary>
    public static string LayerName(string weight) =>
        weight.EndsWith(".weight", StringComparison.Ordinal) && weight.Length > ".weight".Length ? weight[..^".weight".Length] : weight;
}

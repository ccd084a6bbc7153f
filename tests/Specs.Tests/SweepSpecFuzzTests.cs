using CsCheck;
using FocusedQuantization.Grains.Sweeps;

namespace FocusedQuantization.Specs.Tests;

/// <summary>
/// The example specs mutated at random (lines deleted, repeated, swapped; characters, tabs, aliases, deep nesting, huge
/// numbers and other scripts put in): the loader either accepts the result or refuses it with a one-line
/// <see cref="SweepSpecException"/> naming the file, and never throws anything else, crashes or hangs.
/// </summary>
public sealed class SweepSpecFuzzTests
{
    private static readonly (string Name, string[] Lines)[] Examples = [.. Directory
        .GetFiles(ExamplesFolder(), "*.yaml")
        .Order(StringComparer.Ordinal)
        .Select(path => (Path.GetFileName(path), File.ReadAllText(path).Split('\n')))];

    private static string ExamplesFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Experiments.sln"))) return Path.Combine(dir.FullName, "examples");
        }
        throw new InvalidOperationException("The repository root (Experiments.sln) is not above the test binaries.");
    }

    // Throws on a lone surrogate, which a terminal could not show.
    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private enum Edit { Delete, Duplicate, Swap, Insert, Tab, Anchor, Alias, Nest, ReplaceValue, Truncate, NewLine }

    /// <summary>One edit: which, two positions (taken modulo the line and column counts) and the text it puts in.</summary>
    private sealed record Mutation(Edit Kind, int At, int Other, string Text)
    {
        public override string ToString() => $"{Kind}@{At}/{Other}:{Check.Print(Text)}";
    }

    // YAML's own punctuation, whitespace of every kind, numbers at and past the limits, other scripts, and the odd
    // characters (NUL, BOM, bidi override, lone surrogate) a file can hold.
    private static readonly string[] Fragments =
    [
        ":", ": ", "-", "- ", "?", "? ", "[", "]", "{", "}", ",", "#", "&", "*", "!", "!!str ", "|", ">", "'", "\"", "%YAML 1.2\n", "---\n", "...\n",
        "\t", "\r", "\r\n", " ", "\u00a0", "\u2028", "\u0085", "\0", "\ufeff", "\u202e", "\ud800", "🧪", "量子化", "é",
        "1e999", "-1e999", "1e-999", "NaN", ".nan", ".inf", "-.inf", "99999999999999999999999", "-2147483649", "2147483648",
        "0x1F", "0o17", "1_000", "+5", "~", "null", "true", "default", "all", "<<",
        "&a ", "*a", "&b [*a, *a, *a]", "*b", "*missing", "&self [*self]",
    ];

    private static readonly Gen<string> Text = Gen.Frequency<string>(
        (6, Gen.OneOf(Fragments)),
        (2, Gen.String[0, 12]),
        (1, Gen.Int[1, 3_000].Select(n => new string('9', n))),
        (1, Gen.Int[1, 400].Select(n => string.Concat(Enumerable.Repeat("*a, ", n)))));

    private static readonly Gen<Mutation> Mutations = Gen.Select(
        Gen.Enum<Edit>(), Gen.Int[0, 1_000], Gen.Int[0, 1_000], Text, (kind, at, other, text) => new Mutation(kind, at, other, text));

    private static readonly Gen<(int Example, Mutation[] Edits)> Cases = Gen.Select(Gen.Int[0, 1_000], Mutations.Array[1, 6]);

    private static string Apply(string[] original, Mutation[] edits)
    {
        var lines = original.ToList();
        foreach (var edit in edits)
        {
            if (lines.Count == 0) lines.Add("");
            var at = edit.At % lines.Count;
            var line = lines[at];
            var column = line.Length == 0 ? 0 : edit.Other % (line.Length + 1);
            switch (edit.Kind)
            {
                case Edit.Delete:
                    lines.RemoveAt(at);
                    break;
                case Edit.Duplicate:
                    lines.Insert(at, line);
                    break;
                case Edit.Swap:
                    var other = edit.Other % lines.Count;
                    (lines[at], lines[other]) = (lines[other], lines[at]);
                    break;
                case Edit.Insert:
                    lines[at] = line.Insert(column, edit.Text);
                    break;
                case Edit.Tab:
                    lines[at] = line.Insert(Math.Min(column, line.Length - line.TrimStart().Length), "\t");
                    break;
                case Edit.Anchor:
                    lines[at] = line.Insert(column, $"&a{edit.Other % 3} ");
                    break;
                case Edit.Alias:
                    lines[at] = line.Insert(column, $"*a{edit.Other % 4}");
                    break;
                case Edit.Nest:
                    // Flow or block nesting around the limit of 32 and far past it.
                    var depth = edit.Other % 3 == 0 ? 20 + edit.Other % 20 : edit.Other * 5;
                    lines[at] = edit.Other % 2 == 0
                        ? line.Insert(column, string.Concat(Enumerable.Repeat("{k: ", depth)) + edit.Text + new string('}', depth % 7 == 0 ? depth - 1 : depth))
                        : line.Insert(column, string.Concat(Enumerable.Repeat("[", depth)) + edit.Text + new string(']', depth));
                    if (edit.At % 5 == 0)
                        lines.InsertRange(at + 1, Enumerable.Range(1, Math.Min(depth, 200)).Select(d => new string(' ', 2 * d) + "k:"));
                    break;
                case Edit.ReplaceValue:
                    var colon = line.IndexOf(": ", StringComparison.Ordinal);
                    lines[at] = colon < 0 ? line + ": " + edit.Text : line[..(colon + 2)] + edit.Text;
                    break;
                case Edit.Truncate:
                    lines[at] = line[..column];
                    lines.RemoveRange(at + 1, lines.Count - at - 1);
                    break;
                case Edit.NewLine:
                    lines.Insert(at, new string(' ', edit.Other % 5) + edit.Text);
                    break;
            }
        }
        return string.Join('\n', lines);
    }

    /// <summary>Loads on another thread so that a hang fails the test rather than stalling the run.</summary>
    private static Exception? LoadWithin(string text, string name, TimeSpan limit)
    {
        var load = Task.Run(() =>
        {
            try
            {
                // A loaded spec must also expand: the loader validated it.
                Assert.NotEmpty(ExampleSpecTests.Planned(SweepSpecLoader.Parse(text, name)));
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        });
        Assert.True(load.Wait(limit), $"loading did not end within {limit}");
        return load.Result;
    }

    // About a millisecond each; FQ_FUZZ_ITERATIONS=100000 searches longer by hand.
    private static long Iterations => long.TryParse(Environment.GetEnvironmentVariable("FQ_FUZZ_ITERATIONS"), out var n) ? n : 1_000;

    [Fact]
    public void A_mutated_example_is_accepted_or_refused_with_a_one_line_spec_exception_naming_the_file()
    {
        var refusals = 0;
        var acceptances = 0;
        Cases.Sample(input =>
        {
            var (name, lines) = Examples[input.Example % Examples.Length];
            var text = Apply(lines, input.Edits);

            var error = LoadWithin(text, name, TimeSpan.FromSeconds(10));

            if (error is null)
            {
                Interlocked.Increment(ref acceptances);
                return;
            }
            Interlocked.Increment(ref refusals);
            Assert.True(error.GetType() == typeof(SweepSpecException), $"not a refusal but {error}");
            var refusal = (SweepSpecException)error;
            Assert.StartsWith(name + ":", refusal.Message);
            Assert.True(refusal.Message.Length > name.Length + 2, $"an empty refusal: '{refusal.Message}'");
            Assert.DoesNotContain('\n', refusal.Message);
            Assert.DoesNotContain('\r', refusal.Message);
            Assert.DoesNotContain('\u2028', refusal.Message);
            Assert.DoesNotContain('\u0085', refusal.Message);
            Assert.True(StrictUtf8.GetByteCount(refusal.Message) > 0);
            Assert.True(refusal.Message.Length < 1_000, $"a refusal of {refusal.Message.Length} characters");
            if (refusal.Line is { } line) Assert.InRange(line, 1, text.Count(c => c is '\n' or '\r' or '\u0085' or '\u2028' or '\u2029') + 2);
        }, iter: Iterations, print: input => $"{Examples[input.Example % Examples.Length].Name} <- {string.Join("; ", input.Edits.Select(e => e.ToString()))}");

        // Both outcomes must occur, or the mutations are too mild or too wild to test anything.
        Assert.True(acceptances >= 10 && refusals >= 10, $"{acceptances} accepted, {refusals} refused");
    }

    [Fact]
    public void Every_example_loads_unmutated() =>
        // An example that names a weights file needs the file (the loader hashes it): ExampleSpecTests loads those with a
        // stand-in beside a copy of the spec. Here they would only be refused for the missing file.
        Assert.All(Examples.Where(e => !NamesWeights(e.Lines)),
            example => Assert.Null(LoadWithin(string.Join('\n', example.Lines), example.Name, TimeSpan.FromSeconds(10))));

    private static bool NamesWeights(string[] lines) =>
        lines.Any(l => l.TrimStart() is var t && !t.StartsWith('#') && t.Contains("weights:", StringComparison.Ordinal));
}

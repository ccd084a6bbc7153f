using System.Diagnostics;
using System.Text;
using FocusedQuantization.Specs;

namespace FocusedQuantization.Specs.Tests;

/// <summary>
/// Specs written to break the loader (recursion, nesting, alias bombs) or that would run wrongly (long names, a missing
/// data folder), and the YAML mistakes whose messages used to mislead: each is one line naming the file, line and key.
/// </summary>
public sealed class HostileSpecTests : IDisposable
{
    private const string File = "bad.yaml";

    private const string Minimal = "space: { sparsity: 0.9 }\n";

    private readonly string _folder = Directory.CreateTempSubdirectory("fq-hostile-").FullName;

    private static SweepSpecException Refused(string yaml) =>
        Assert.Throws<SweepSpecException>(() => SweepSpecLoader.Parse(yaml, File));

    /// <summary>Asserts a one-line refusal that starts "bad.yaml:LINE:COLUMN: KEY: " and says what is wrong.</summary>
    private static SweepSpecException AssertRefused(string yaml, string? key, string problem, int line, int? column = null)
    {
        var error = Refused(yaml);
        Assert.Equal(key, error.Key);
        Assert.Equal(line, error.Line);
        if (column is not null) Assert.Equal(column, error.Column);
        Assert.StartsWith(key is null ? $"{File}:{line}:{error.Column}: " : $"{File}:{line}:{error.Column}: {key}: ", error.Message);
        Assert.Contains(problem, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        return error;
    }

    /// <summary>Eleven levels of nine aliases each: 9^11 nodes if expanded, 1.6 KB as text.</summary>
    private static string AliasBomb()
    {
        var text = new StringBuilder("bomb:\n  l0: &l0 [lol]\n");
        for (var level = 1; level <= 11; level++)
            text.Append($"  l{level}: &l{level} [{string.Join(", ", Enumerable.Repeat($"*l{level - 1}", 9))}]\n");
        return text.Append("space:\n  ? *l11\n  : 1\n").ToString();
    }

    [Fact]
    public void A_self_referencing_alias_as_a_key_in_space_is_refused_at_the_key() =>
        AssertRefused("space:\n  ? &s [*s]\n  : 1\n", "space", "a key must be a plain name, got a list", line: 2, column: 5);

    [Fact]
    public void A_self_referencing_alias_as_a_top_level_key_is_refused_at_the_key() =>
        AssertRefused("? &s [*s]\n: 1\n", "(top level)", "a key must be a plain name, got a list", line: 1, column: 3);

    [Fact]
    public void A_self_referencing_alias_as_a_value_is_refused_at_the_alias() =>
        AssertRefused("space:\n  sparsity: 0.9\n  bits: &s [4, *s]\n", "space.bits[1]", "alias *s is used inside the value &s", line: 3, column: 16);

    [Fact]
    public void An_alias_as_a_key_is_refused_even_when_small() =>
        AssertRefused("space:\n  sparsity: &k 0.9\n  ? *k\n  : 1\n", "space", "a key must be a plain name, got the alias *k", line: 3, column: 5);

    [Fact]
    public void Twenty_thousand_nested_flow_mappings_are_refused_at_the_limit_without_overflowing_the_stack()
    {
        const int levels = 20_000;
        var yaml = "bits: " + string.Concat(Enumerable.Repeat("{a: ", levels)) + "1" + new string('}', levels) + "\n";

        var error = AssertRefused(yaml, "bits" + string.Concat(Enumerable.Repeat(".a", SweepSpecLoader.MaxDepth - 1)),
            $"nested more than {SweepSpecLoader.MaxDepth} levels deep", line: 1, column: 7 + 4 * (SweepSpecLoader.MaxDepth - 1));
        Assert.True(yaml.Length > 100_000);
        Assert.Equal(32, SweepSpecLoader.MaxDepth);
        Assert.NotNull(error.Key);
    }

    [Fact]
    public void Deep_block_indentation_is_refused_at_the_limit()
    {
        var yaml = string.Concat(Enumerable.Range(0, 200).Select(i => new string(' ', 2 * i) + "k:\n"));

        AssertRefused(yaml, string.Join('.', Enumerable.Repeat("k", SweepSpecLoader.MaxDepth)), "levels deep", line: SweepSpecLoader.MaxDepth + 1);
    }

    [Fact]
    public void Nesting_up_to_the_limit_reaches_the_ordinary_checks() =>
        // 32 levels: the depth is allowed, and the unknown key is what is refused.
        AssertRefused("bits: " + string.Concat(Enumerable.Repeat("{a: ", SweepSpecLoader.MaxDepth - 1)) + "1" + new string('}', SweepSpecLoader.MaxDepth - 1) + "\n",
            "bits", "unknown key 'bits'", line: 1);

    [Fact]
    public void Text_over_a_megabyte_is_refused_before_parsing()
    {
        var error = Refused(Minimal + "#" + new string('x', SweepSpecLoader.MaxFileBytes));

        Assert.Null(error.Key);
        Assert.StartsWith($"{File}: the spec is 1,000,026 characters long; a spec may have at most 1,000,000", error.Message);
    }

    [Fact]
    public void A_file_over_a_megabyte_is_refused_before_reading()
    {
        var path = Path.Combine(_folder, "huge.yaml");
        System.IO.File.WriteAllText(path, Minimal + new string('\n', SweepSpecLoader.MaxFileBytes));

        var error = Assert.Throws<SweepSpecException>(() => SweepSpecLoader.Load(path));

        Assert.StartsWith($"{path}: the file is 1,000,025 bytes long", error.Message);
    }

    [Fact]
    public void An_alias_bomb_used_as_a_key_is_refused_at_the_alias_that_passes_the_bound_and_quickly()
    {
        var yaml = AliasBomb();
        var clock = Stopwatch.StartNew();

        // l4 stands for 13,942 values: the sixth *l3 in its list takes the count past 10,000.
        AssertRefused(yaml, "bomb.l4[5]", "aliases here expand to more than 10,000 values (*l3 alone to 1,549)", line: 6);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        Assert.InRange(yaml.Length, 500, 2_000);
        Assert.Equal(SweepSpecLoader.MaxAliasNodes, 10_000);
    }

    [Fact]
    public void Exactly_the_bound_of_aliased_values_passes_the_guard_and_one_more_does_not()
    {
        static string Aliases(int count) => "space:\n  sparsity: &a 0.9\n  w_sep: [" + string.Join(", ", Enumerable.Repeat("*a", count)) + "]\n";

        // At the bound the guard lets the list through, and the validator finds the repeated value (at its anchor,
        // as an alias is the anchored node itself).
        AssertRefused(Aliases(SweepSpecLoader.MaxAliasNodes), "space.w_sep[1]", "the value 0.9 appears twice", line: 2);
        AssertRefused(Aliases(SweepSpecLoader.MaxAliasNodes + 1), $"space.w_sep[{SweepSpecLoader.MaxAliasNodes}]", "aliases here expand to more than 10,000 values", line: 3);
    }

    [Fact]
    public void An_alias_to_a_list_reads_as_the_list()
    {
        var spec = SweepSpecLoader.Parse("name: &n aliased\nspace:\n  sparsity: &s [0.8, 0.9]\n  w_sep: *s\n", File);

        Assert.Equal("aliased", spec.Name);
        Assert.Equal([0.8, 0.9], spec.Space.WSep);
    }

    [Fact]
    public void A_600_character_name_is_refused_with_the_tracking_limit() =>
        AssertRefused("name: " + new string('n', 600) + "\n" + Minimal, "name",
            "the name is 600 characters long; at most 497 are allowed (the tracking experiment is 'fq/' + name, and MLflow takes at most 500)", line: 1, column: 1);

    [Fact]
    public void A_name_of_the_longest_length_is_accepted_and_fits_the_experiment_name()
    {
        var name = new string('n', SweepSpecDefaults.MaxNameLength);

        Assert.Equal(name, SweepSpecLoader.Parse($"name: {name}\n{Minimal}", File).Name);
        Assert.Equal(500, ("fq/" + name).Length);
    }

    [Theory]
    [InlineData("\"bell\\a\"", "U+0007 at position 5")]
    [InlineData("\"two\\nlines\"", "U+000A at position 4")]
    [InlineData("\"abc\\u202Eevil\"", "U+202E at position 4")]
    public void A_name_with_control_or_bidi_characters_is_refused(string quoted, string problem) =>
        AssertRefused($"model: lenet5\nname: {quoted}\n{Minimal}", "name", problem, line: 2);

    [Fact]
    public void A_name_in_another_script_is_accepted() =>
        Assert.Equal("量子化-スイープ 🧪", SweepSpecLoader.Parse($"name: 量子化-スイープ 🧪\n{Minimal}", File).Name);

    [Fact]
    public void A_data_dir_that_does_not_exist_is_refused()
    {
        var path = WriteSpec("model: lenet5\ntraining:\n  data_dir: /nonexistent/fq-data\n" + Minimal);

        var error = Assert.Throws<SweepSpecException>(() => SweepSpecLoader.Load(path));

        Assert.Equal("training.data_dir", error.Key);
        Assert.StartsWith($"{path}:3:13: training.data_dir: /nonexistent/fq-data does not exist;", error.Message);
    }

    [Fact]
    public void A_data_dir_that_is_a_file_is_refused()
    {
        var file = Path.Combine(_folder, "passwd");
        System.IO.File.WriteAllText(file, "root:x:0:0\n");
        var path = WriteSpec($"training: {{ data_dir: {file} }}\n" + Minimal);

        var error = Assert.Throws<SweepSpecException>(() => SweepSpecLoader.Load(path));

        Assert.StartsWith($"{path}:1:23: training.data_dir: {file} is a file, not a folder;", error.Message);
    }

    [Fact]
    public void A_relative_data_dir_is_looked_for_in_the_spec_folder_and_named_in_full()
    {
        var path = WriteSpec("training: { data_dir: data/missing }\n" + Minimal);
        Directory.CreateDirectory(Path.Combine(_folder, "data"));

        var error = Assert.Throws<SweepSpecException>(() => SweepSpecLoader.Load(path));

        Assert.Contains($"training.data_dir: {Path.Combine(_folder, "data", "missing")} does not exist", error.Message);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void An_existing_data_dir_is_kept_absolute()
    {
        var data = Directory.CreateDirectory(Path.Combine(_folder, "fm")).FullName;

        Assert.Equal(data, SweepSpecLoader.Load(WriteSpec($"training: {{ data_dir: '{data}' }}\n" + Minimal)).Training.DataDirectory);
        Assert.Equal(data, SweepSpecLoader.Load(WriteSpec("training: { data_dir: ./fm/ }\n" + Minimal)).Training.DataDirectory);
    }

    [Fact]
    public void A_tab_in_the_indentation_is_reported_at_the_tab() =>
        AssertRefused("model: lenet5\nspace:\n\tsparsity: 0.9\n", null, "YAML syntax error: a tab indents 'sparsity: 0.9'; indent with spaces only", line: 3, column: 1);

    [Fact]
    public void A_tab_after_spaces_in_a_list_is_reported_at_the_tab() =>
        AssertRefused("space:\n  sparsity: 0.9\n  bits:\n  \t- 4\n", null, "a tab indents '- 4'", line: 4, column: 3);

    [Fact]
    public void A_tab_indenting_a_line_of_a_flow_list_is_reported_at_the_tab() =>
        AssertRefused("space:\n  sparsity: [0.9,\n\t0.8]\n", null, "a tab indents '0.8]'", line: 3, column: 1);

    [Fact]
    public void An_undefined_alias_is_named_in_plain_words()
    {
        var error = AssertRefused("space:\n  sparsity: *x\n", "space.sparsity", "alias *x is not defined; an anchor &x must come before it", line: 2, column: 13);

        Assert.DoesNotContain("does not exists", error.Message);
    }

    [Fact]
    public void An_alias_before_its_anchor_is_not_defined_yet() =>
        AssertRefused("space:\n  w_sep: *s\n  sparsity: &s [0.9]\n", "space.w_sep", "alias *s is not defined", line: 2);

    [Fact]
    public void A_colon_with_no_key_after_a_nested_mapping_is_a_syntax_error_there() =>
        // YamlDotNet's parser drops the key here and its node builder then throws an ArgumentException.
        AssertRefused("space:\n  sparsity: 0.9\n: \n", "(top level)", "YAML syntax error: ':' with no key before it", line: 3, column: 2);

    [Fact]
    public void An_empty_tag_is_a_syntax_error_at_the_tag() =>
        AssertRefused("space: !<> { sparsity: 0.9 }\n", null, "YAML syntax error: Tag value must not be empty.", line: 1, column: 8);

    [Fact]
    public void A_key_with_a_line_break_keeps_the_message_on_one_line()
    {
        var error = Refused("\"spa\\nce\": 1\n" + Minimal);

        Assert.Equal("spa\nce", error.Key);
        Assert.StartsWith("bad.yaml:1:1: spa\\nce: unknown key 'spa\\nce'", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_huge_value_is_clipped_in_the_message()
    {
        var error = Refused("model: " + new string('m', 50_000) + "\n" + Minimal);

        Assert.Equal("model", error.Key);
        Assert.True(error.Message.Length < 300, $"{error.Message.Length} characters");
        Assert.Contains("...'", error.Message);
    }

    private string WriteSpec(string yaml)
    {
        var path = Path.Combine(_folder, $"spec-{Guid.NewGuid():N}.yaml");
        System.IO.File.WriteAllText(path, yaml);
        return path;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

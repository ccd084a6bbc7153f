using System.IO.Compression;

namespace FocusedQuantization.Client.Tests;

/// <summary>Every kind of bad input gives exit code 2, a message naming the problem, no stack trace, no output file.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fq-cli-").FullName;

    private string Output => Path.Combine(_folder, "model.fqz");

    [Fact]
    public async Task An_unknown_model_is_named_with_the_valid_ones()
    {
        var result = await FqProcess.RunAsync("compress", "--model", "vgg-99", "--dataset", "fashion-mnist", "--out", Output);

        AssertBadInput(result, "vgg-99");
        Assert.Contains("lenet5", result.Error);
    }

    [Fact]
    public async Task An_unknown_data_set_is_named()
    {
        var result = await FqProcess.RunAsync("compress", "--dataset", "imagenet-1k", "--out", Output);

        AssertBadInput(result, "imagenet-1k");
    }

    [Theory]
    [InlineData("2")]
    [InlineData("9")]
    public async Task Bits_outside_three_to_eight_are_refused(string bits)
    {
        var result = await FqProcess.RunAsync("compress", "--bits", bits, "--out", Output);

        AssertBadInput(result, "--bits");
    }

    [Fact]
    public async Task An_unknown_fine_tuning_mode_is_named_with_the_valid_ones()
    {
        var result = await FqProcess.RunAsync("compress", "--fine-tune", "sgd", "--out", Output);

        AssertBadInput(result, "sgd");
        Assert.Contains("inq", result.Error);
    }

    [Fact]
    public async Task An_unknown_option_is_refused()
    {
        var result = await FqProcess.RunAsync("compress", "--bitz", "5", "--out", Output);

        AssertBadInput(result, "--bitz");
    }

    [Fact]
    public async Task A_data_set_missing_offline_says_what_to_install_or_where_to_put_it()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_folder, "empty")).FullName;

        var result = await FqProcess.RunAsync("compress", "--dataset", "mnist", "--data-dir", empty, "--offline", "--out", Output);

        AssertBadInput(result, "MNIST");
        Assert.Contains(empty, result.Error);
    }

    [Fact]
    public async Task A_truncated_idx_file_is_named_and_nothing_is_written()
    {
        var data = Directory.CreateDirectory(Path.Combine(_folder, "data")).FullName;
        WriteIdx(Path.Combine(data, "train-images-idx3-ubyte.gz"), [0, 0, 8, 3, 0, 0, 0, 100, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3]);
        WriteIdx(Path.Combine(data, "train-labels-idx1-ubyte.gz"), [0, 0, 8, 1, 0, 0, 0, 100, .. new byte[100]]);
        WriteIdx(Path.Combine(data, "t10k-images-idx3-ubyte.gz"), [0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 28, 0, 0, 0, 28, .. new byte[784]]);
        WriteIdx(Path.Combine(data, "t10k-labels-idx1-ubyte.gz"), [0, 0, 8, 1, 0, 0, 0, 1, 0]);

        var result = await FqProcess.RunAsync("compress", "--dataset", "fashion-mnist", "--data-dir", data, "--offline", "--out", Output, "--report", Path.Combine(_folder, "r.json"));

        AssertBadInput(result, "train-images-idx3-ubyte");
        Assert.False(File.Exists(Path.Combine(_folder, "r.json")));
    }

    [Theory]
    [InlineData("space: { sparsity: [0.9], bits: [9] }", "space.bits[0]")]
    [InlineData("space: { sparsity: [0.9] }\nconcurency: 2", "concurency")]
    [InlineData("space: { sparsity: [], bits: [5] }", "space.sparsity")]
    [InlineData("space: { sparsity: [0.9], w_sep: [two] }", "space.w_sep")]
    [InlineData("model: vgg-99\nspace: { sparsity: [0.9] }", "model")]
    [InlineData("space:\n  ? &s [*s]\n  : 1", "bad.yaml:2:5: space: a key must be a plain name")]
    [InlineData("space:\n  sparsity: *x", "bad.yaml:2:13: space.sparsity: alias *x is not defined")]
    [InlineData("model: lenet5\nspace:\n\tsparsity: 0.9", "bad.yaml:3:1: YAML syntax error: a tab indents 'sparsity: 0.9'")]
    [InlineData("training: { data_dir: /nonexistent/fq-data }\nspace: { sparsity: [0.9] }", "training.data_dir: /nonexistent/fq-data does not exist")]
    public async Task A_bad_sweep_spec_is_refused_before_anything_runs_naming_the_file_and_the_key(string yaml, string key)
    {
        var spec = Path.Combine(_folder, "bad.yaml");
        await File.WriteAllTextAsync(spec, yaml.Replace("\\n", "\n", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        var result = await FqProcess.RunAsync(_folder, TimeSpan.FromMinutes(1), "sweep", "launch", spec);

        AssertBadInput(result, key);
        Assert.Contains("bad.yaml", result.Error);
        Assert.False(File.Exists(Path.Combine(_folder, "silo.db")), "a silo was started for a spec that was refused");
    }

    [Fact]
    public async Task Specs_that_overflowed_the_stack_or_ran_for_minutes_are_refused_at_once()
    {
        var deep = Path.Combine(_folder, "deep.yaml");
        await File.WriteAllTextAsync(deep, "bits: " + string.Concat(Enumerable.Repeat("{a: ", 20_000)) + "1" + new string('}', 20_000) + "\n", TestContext.Current.CancellationToken);
        var bomb = Path.Combine(_folder, "bomb.yaml");
        var levels = Enumerable.Range(1, 11).Select(level => $"  l{level}: &l{level} [{string.Join(", ", Enumerable.Repeat($"*l{level - 1}", 9))}]");
        await File.WriteAllLinesAsync(bomb, ["bomb:", "  l0: &l0 [lol]", .. levels, "space:", "  ? *l11", "  : 1"], TestContext.Current.CancellationToken);

        var deepResult = await FqProcess.RunAsync(_folder, TimeSpan.FromMinutes(1), "sweep", "launch", deep);
        var bombResult = await FqProcess.RunAsync(_folder, TimeSpan.FromMinutes(1), "sweep", "launch", bomb);

        AssertBadInput(deepResult, "deep.yaml:1:131: bits.a.a.a");
        Assert.Contains("nested more than 32 levels deep", deepResult.Error);
        AssertBadInput(bombResult, "bomb.yaml:6:37: bomb.l4[5]: aliases here expand to more than 10,000 values");
        Assert.Single(bombResult.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_corrupt_fqz_file_is_reported_as_corrupt()
    {
        var path = Path.Combine(_folder, "bad.fqz");
        await File.WriteAllBytesAsync(path, [.. "FQZ"u8, 1, 2, 3, 4, 5, 6, 7, 8, 9], TestContext.Current.CancellationToken);

        var result = await FqProcess.RunAsync("inspect", path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("corrupt or truncated", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public async Task Inspecting_a_missing_file_names_it()
    {
        var result = await FqProcess.RunAsync("inspect", Path.Combine(_folder, "nope.fqz"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nope.fqz", result.Error);
    }

    private void AssertBadInput(FqProcess.Result result, string named)
    {
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}; stderr: {result.Error}; stdout: {result.Output}");
        Assert.Contains(named, result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.DoesNotContain("Exception", result.Error);
        Assert.False(File.Exists(Output), "a partial output file was left behind");
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp", SearchOption.AllDirectories));
    }

    private static void WriteIdx(string path, byte[] content)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(content);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

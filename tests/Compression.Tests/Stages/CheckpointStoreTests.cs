using System.Security.Cryptography;
using System.Text;
using FocusedQuantization.Compression.Stages;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Stages;

public sealed class CheckpointStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fq-store-").FullName;

    [Fact]
    public void A_key_is_the_prefix_and_the_first_16_hex_digits_of_the_settings_hash()
    {
        var expected = "baseline-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("a|b")))[..16];

        Assert.Equal(expected, CheckpointStore.KeyOf("baseline", "a|b"));
        Assert.NotEqual(CheckpointStore.KeyOf("baseline", "a|b"), CheckpointStore.KeyOf("baseline", "a|c"));
    }

    [Fact]
    public void Deleting_a_checkpoint_removes_its_files_only_and_finds_nothing_the_second_time()
    {
        var store = new CheckpointStore(_folder);
        foreach (var name in new[] { "x-1.json", "x-1.ckpt", "x-1.eval-all.json", "x-12.json", "x-12.ckpt", "y-1.json" })
            store.SaveText(name, name);
        File.WriteAllText(Path.Combine(_folder, ".x-1.ckpt.123.tmp"), "a writer's temporary file");

        Assert.True(store.Delete("x-1"));

        Assert.Equal([".x-1.ckpt.123.tmp", "x-12.ckpt", "x-12.json", "y-1.json"],
            Directory.GetFiles(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.False(store.Delete("x-1"));
        Assert.Throws<ArgumentException>(() => store.Delete("../x-12"));
    }

    [Fact]
    public void What_is_saved_is_read_back_and_exists()
    {
        var store = new CheckpointStore(_folder);
        Assert.False(store.Exists("x-1.bin"));

        store.Save("x-1.bin", s => s.Write([1, 2, 3]));

        Assert.True(store.Exists("x-1.bin"));
        using var stream = store.Open("x-1.bin");
        var read = new MemoryStream();
        stream.CopyTo(read);
        Assert.Equal([1, 2, 3], read.ToArray());
        Assert.Equal(Path.Combine(_folder, "x-1.bin"), store.PathOf("x-1.bin"));
    }

    [Fact]
    public void A_writer_that_fails_leaves_no_file_behind()
    {
        var store = new CheckpointStore(_folder);

        Assert.Throws<InvalidOperationException>(() => store.Save("broken", s =>
        {
            s.Write([9, 9]);
            throw new InvalidOperationException("disk full");
        }));

        Assert.False(store.Exists("broken"));
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public void Concurrent_writers_of_one_name_leave_one_whole_file()
    {
        var store = new CheckpointStore(_folder);
        var content = Enumerable.Range(0, 1 << 20).Select(i => (byte)(i * 7)).ToArray();

        Parallel.For(0, 8, _ => store.Save("same", s => s.Write(content)));

        Assert.Equal(content, File.ReadAllBytes(store.PathOf("same")));
        Assert.Single(Directory.GetFiles(_folder));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData(".hidden")]
    [InlineData("a/b")]
    [InlineData("")]
    public void Names_that_could_leave_the_folder_are_refused(string name)
    {
        var store = new CheckpointStore(_folder);

        var error = Assert.Throws<ArgumentException>(() => store.PathOf(name));

        Assert.Contains("not a valid checkpoint store name", error.Message);
    }

    [Fact]
    public void Opening_a_missing_name_says_which_and_where()
    {
        var store = new CheckpointStore(_folder);

        var error = Assert.Throws<FileNotFoundException>(() => store.Open("nothing"));

        Assert.Contains("'nothing'", error.Message);
        Assert.Contains(_folder, error.Message);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

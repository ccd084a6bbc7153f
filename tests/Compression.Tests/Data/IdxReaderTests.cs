using FocusedQuantization.Compression.Data;
using Xunit;
using static FocusedQuantization.Compression.Tests.Data.IdxTestFiles;

namespace FocusedQuantization.Compression.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly string directory = TempDirectory();

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Reads_the_dimensions_and_elements_of_a_raw_file()
    {
        var path = Write("a-idx3-ubyte", Idx([2, 1, 3], [1, 2, 3, 4, 5, 6]));
        var array = IdxReader.Read(path);
        Assert.Equal([2, 1, 3], array.Dimensions);
        Assert.Equal([1, 2, 3, 4, 5, 6], array.Data.ToArray());
        Assert.Equal(2, array.Count);
    }

    [Fact]
    public void Reads_gzip_content_recognised_by_its_signature_not_its_name()
    {
        var raw = Images(3, 4, 5);
        var path = Write("images-without-gz-suffix", Gzip(raw));
        var array = IdxReader.Read(path);
        Assert.Equal([3, 4, 5], array.Dimensions);
        Assert.Equal(raw[16..], array.Data.ToArray());
    }

    [Fact]
    public void Rejects_a_bad_magic_number_naming_the_file()
    {
        var path = Write("bad-magic", [0x12, 0x34, 0x08, 0x01, 0, 0, 0, 1, 7]);
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("magic", error.Message);
    }

    [Fact]
    public void Rejects_elements_that_are_not_unsigned_bytes()
    {
        var bytes = Idx([1], [0]);
        bytes[2] = 0x0D; // float
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Parse(bytes, "floats.idx"));
        Assert.Contains("0x0D", error.Message);
    }

    [Fact]
    public void Rejects_a_truncated_file_saying_how_many_bytes_are_missing()
    {
        var full = Images(2, 3, 3);
        var path = Write("short", full[..^4]);
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
        Assert.Contains("18 data bytes but only 14", error.Message);
    }

    [Fact]
    public void Rejects_a_file_truncated_inside_its_header()
    {
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Parse([0, 0, 8, 3, 0, 0, 0, 2], "head"));
        Assert.Contains("header", error.Message);
    }

    [Fact]
    public void Rejects_trailing_bytes_after_the_data()
    {
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Parse([.. Idx([2], [1, 2]), 9, 9, 9], "long"));
        Assert.Contains("3 unexpected bytes", error.Message);
    }

    [Fact]
    public void Rejects_a_zero_sized_dimension()
    {
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Parse(Idx([0], []), "empty"));
        Assert.Contains("size 0", error.Message);
    }

    [Fact]
    public void Rejects_corrupt_gzip_data_naming_the_file()
    {
        var gzip = Gzip(Images(4, 8, 8));
        for (var i = 12; i < gzip.Length - 8; i++) gzip[i] ^= 0x5A;
        var path = Write("corrupt.gz", gzip);
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Rejects_a_truncated_gzip_file()
    {
        var gzip = Gzip(Images(20, 8, 8));
        var path = Write("cut.gz", gzip[..(gzip.Length / 2)]);
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Reports_a_missing_file_as_not_found()
    {
        var missing = Path.Combine(directory, "nope");
        var error = Assert.Throws<FileNotFoundException>(() => IdxReader.Read(missing));
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void Builds_a_dataset_with_pixels_scaled_to_the_unit_interval()
    {
        var images = Write("i", Idx([2, 1, 2], [0, 255, 51, 102]));
        var labels = Write("l", Labels(3, 1));
        var dataset = IdxReader.ReadImageDataset(images, labels, "tiny", 4);
        Assert.Equal([0f, 1f, 0.2f, 0.4f], dataset.Pixels);
        Assert.Equal([3L, 1L], dataset.Labels);
        Assert.Equal((1, 1, 2, 4, 2), (dataset.Channels, dataset.Height, dataset.Width, dataset.Classes, dataset.Count));
        Assert.Equal("tiny", dataset.Name);
    }

    [Fact]
    public void Detects_a_label_count_that_differs_from_the_image_count()
    {
        var images = Write("i", Images(3, 2, 2));
        var labels = Write("l", Labels(0, 1));
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImageDataset(images, labels, "x", 10));
        Assert.Contains("3 images", error.Message);
        Assert.Contains("2 labels", error.Message);
    }

    [Fact]
    public void Rejects_a_label_outside_the_classes()
    {
        var labels = Write("l", Labels(0, 10));
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(labels, 10));
        Assert.Contains("label 10 at index 1", error.Message);
    }

    [Fact]
    public void Rejects_an_image_file_with_the_wrong_rank()
    {
        var images = Write("i", Idx([4], [1, 2, 3, 4]));
        var labels = Write("l", Labels(0, 1, 2, 3));
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImageDataset(images, labels, "x", 10));
        Assert.Contains("needs 3", error.Message);
    }
}

using FocusedQuantization.Compression.Data;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Data;

public sealed class CifarTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("fq-cifar-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void Cifar10_batches_decode_to_their_bytes_and_labels_in_file_order()
    {
        GeneratedImages.Cifar(Path.Combine(root, "cifar-10-batches-bin"), CifarFormat.Cifar10, perFile: 6, testRecords: 5);

        var train = (CifarDataset)DataSourceLoader.Load(DataSource.Parse("cifar10:" + root), DatasetSplit.Train, cancellationToken: Token);
        var test = (CifarDataset)DataSourceLoader.Load(DataSource.Parse("cifar10:" + root), DatasetSplit.Test, cancellationToken: Token);

        Assert.Equal((30, 3, 32, 32, 10), (train.Count, train.Channels, train.Height, train.Width, train.Classes));
        Assert.Equal(5, test.Count);
        for (var i = 0; i < train.Count; i++)
        {
            Assert.Equal(GeneratedImages.CifarLabel(i, 10), train.LabelAt(i));
            Assert.Equal(GeneratedImages.CifarPixels(i), train.RawImage(i).ToArray());
        }
        Assert.Equal(GeneratedImages.CifarPixels(4), test.RawImage(4).ToArray());
    }

    [Fact]
    public void Cifar100_uses_the_fine_label_of_each_record()
    {
        GeneratedImages.Cifar(root, CifarFormat.Cifar100, perFile: 12, testRecords: 3);

        var train = (CifarDataset)DataSourceLoader.Load(DataSource.Parse("cifar100:" + root), DatasetSplit.Train, cancellationToken: Token);

        Assert.Equal(100, train.Classes);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)GeneratedImages.CifarLabel(i, 100)), Enumerable.Range(0, 12).Select(train.LabelAt));
        Assert.Equal(GeneratedImages.CifarPixels(11), train.RawImage(11).ToArray());
    }

    [Fact]
    public void Evaluation_normalizes_each_plane_with_the_data_sets_mean_and_deviation()
    {
        GeneratedImages.Cifar(root, CifarFormat.Cifar10, perFile: 2, testRecords: 3);
        var test = (CifarDataset)DataSourceLoader.Load(DataSource.Parse("cifar10:" + root), DatasetSplit.Test, cancellationToken: Token);

        var batches = test.EvaluationBatches(2, Token).ToList();

        Assert.Equal([2, 1], batches.Select(b => b.Count));
        var raw = GeneratedImages.CifarPixels(2);
        var pixels = batches[1].Pixels;
        var n = ImageNormalization.Cifar10;
        for (var i = 0; i < raw.Length; i++)
            Assert.Equal((raw[i] / 255f - n.Mean[i / 1024]) / n.Std[i / 1024], pixels[i]);
        Assert.Equal([2], batches[1].Positions);
    }

    [Fact]
    public void Training_crops_a_zero_padded_image_and_flips_it()
    {
        GeneratedImages.Cifar(root, CifarFormat.Cifar10, perFile: 1, testRecords: 1);
        var set = (CifarDataset)DataSourceLoader.Load(DataSource.Parse("cifar10:" + root), DatasetSplit.Test, cancellationToken: Token);
        var raw = GeneratedImages.CifarPixels(0);
        var n = ImageNormalization.Cifar10;
        var output = new float[3072];

        set.Augment(0, top: 1, left: 7, flip: true, output, 0);

        for (var c = 0; c < 3; c++)
            for (var y = 0; y < 32; y++)
                for (var x = 0; x < 32; x++)
                {
                    // Padded coordinates (1 + y, 7 + 31 - x) of the flipped crop; the image starts at padded (4, 4).
                    int sy = 1 + y - 4, sx = 7 + (31 - x) - 4;
                    var value = sy is >= 0 and < 32 && sx is >= 0 and < 32 ? raw[c * 1024 + sy * 32 + sx] : (byte)0;
                    Assert.Equal(n.Apply(c, value), output[c * 1024 + y * 32 + x]);
                }
    }

    [Fact]
    public void Training_batches_are_the_same_for_a_seed_and_epoch_and_differ_for_another()
    {
        GeneratedImages.Cifar(root, CifarFormat.Cifar10, perFile: 4, testRecords: 1);
        var set = (CifarDataset)DataSourceLoader.Load(DataSource.Parse("cifar10:" + root), DatasetSplit.Train, cancellationToken: Token);
        int[] order = [.. Enumerable.Range(0, set.Count).Reverse()];
        float[] Pixels(long seed, int epoch) => [.. set.TrainingBatches(order, 8, seed, epoch, Token).SelectMany(b => b.Pixels)];

        var first = Pixels(1, 0);

        Assert.Equal(first, Pixels(1, 0));
        Assert.NotEqual(first, Pixels(2, 0));
        Assert.NotEqual(first, Pixels(1, 1));
        Assert.Equal(order.Select(set.LabelAt), set.TrainingBatches(order, 8, 1, 0, Token).SelectMany(b => b.Labels));
    }

    [Fact]
    public void A_file_that_is_not_whole_records_is_refused_naming_it()
    {
        GeneratedImages.Cifar(root, CifarFormat.Cifar10, perFile: 2, testRecords: 1);
        var damaged = Path.Combine(root, "data_batch_3.bin");
        File.WriteAllBytes(damaged, File.ReadAllBytes(damaged)[..5000]);

        var error = Assert.Throws<InvalidDataException>(() => DataSourceLoader.Load(DataSource.Parse("cifar10:" + root), DatasetSplit.Train, cancellationToken: Token));

        Assert.Contains(damaged, error.Message);
        Assert.Contains("3073-byte", error.Message);
    }

    [Fact]
    public void A_label_out_of_range_is_refused_naming_the_file_and_record()
    {
        GeneratedImages.Cifar(root, CifarFormat.Cifar10, perFile: 2, testRecords: 2);
        var test = Path.Combine(root, "test_batch.bin");
        var bytes = File.ReadAllBytes(test);
        bytes[3073] = 10;
        File.WriteAllBytes(test, bytes);

        var error = Assert.Throws<InvalidDataException>(() => DataSourceLoader.Load(DataSource.Parse("cifar10:" + root), DatasetSplit.Test, cancellationToken: Token));

        Assert.Contains(test, error.Message);
        Assert.Contains("record 1", error.Message);
    }

    [Fact]
    public void Missing_files_without_downloads_say_where_it_looked_and_what_to_unpack()
    {
        var error = Assert.Throws<FileNotFoundException>(() => DataSourceLoader.Load(DataSource.Parse("cifar10:" + root), DatasetSplit.Train,
            new DatasetCatalogOptions { AllowDownload = false }, cancellationToken: Token));

        Assert.Contains("data_batch_1.bin", error.Message);
        Assert.Contains(root, error.Message);
        Assert.Contains("cifar-10-binary.tar.gz", error.Message);
    }

    [Fact]
    public async Task A_download_is_checked_against_the_archives_sha256_and_unpacked()
    {
        // A stand-in archive served locally: the real one's checksum is pinned, so the stand-in must be refused.
        var source = GeneratedImages.Cifar(Path.Combine(root, "src", "cifar-10-batches-bin"), CifarFormat.Cifar10, perFile: 1, testRecords: 1);
        var archive = Path.Combine(root, "archive.tar.gz");
        using (var file = File.Create(archive))
        using (var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest))
            System.Formats.Tar.TarFile.CreateFromDirectory(source, gzip, includeBaseDirectory: true);
        using var server = new LocalHttpServer(new Dictionary<string, byte[]> { ["/cifar-10-binary.tar.gz"] = File.ReadAllBytes(archive) });
        var format = CifarFormat.Cifar10 with { ArchiveUri = new Uri(server.BaseUri, "cifar-10-binary.tar.gz") };
        var target = Path.Combine(root, "target");
        using var client = new HttpClient();

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => DataSourceLoader.EnsureCifarAsync(format, target, true, client, Token));
        Assert.Contains("checksum", refused.Message);
        Assert.Null(format.Find(target));

        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(archive)));
        var pinned = format with { Archive = new DatasetFile(format.Archive.Name, new FileInfo(archive).Length, hash, hash) };
        var found = await DataSourceLoader.EnsureCifarAsync(pinned, target, true, client, Token);
        Assert.Equal(Path.Combine(target, "cifar-10-batches-bin"), found);
        Assert.False(File.Exists(Path.Combine(target, format.Archive.Name)));
    }
}

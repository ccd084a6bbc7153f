using System.Security.Cryptography;
using FocusedQuantization.Compression.Data;
using Xunit;
using static FocusedQuantization.Compression.Tests.Data.IdxTestFiles;

namespace FocusedQuantization.Compression.Tests.Data;

public sealed class DatasetCatalogTests : IDisposable
{
    private const string DebianFashionMnist = "/usr/share/datasets/fashion-mnist";
    private readonly string directory = TempDirectory();

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static void RequireDebianPackage()
    {
        if (!File.Exists(Path.Combine(DebianFashionMnist, "t10k-labels-idx1-ubyte.gz")))
            Assert.Skip("dataset-fashion-mnist is not installed (apt-get install dataset-fashion-mnist).");
    }

    /// <summary>A made-up 4-class data set of tiny files, with checksums computed here, downloadable from <paramref name="baseUri"/>.</summary>
    private static (DatasetDescriptor Descriptor, Dictionary<string, byte[]> Files) Tiny(Uri baseUri)
    {
        var contents = new[] { Images(5, 2, 3), Labels(0, 1, 2, 3, 0), Images(2, 2, 3), Labels(3, 2) };
        string[] names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];
        var files = names.Select((n, i) => new DatasetFile(n, contents[i].Length, Sha(contents[i]))).ToArray();
        var descriptor = new DatasetDescriptor("tiny", "Tiny", 4, baseUri, null, null, files[0], files[1], files[2], files[3]);
        var served = names.Select((n, i) => ($"/{n}.gz", Gzip(contents[i]))).ToDictionary(p => p.Item1, p => p.Item2);
        return (descriptor, served);
    }

    [Fact]
    public void Knows_fashion_mnist_and_mnist_under_their_names_and_aliases()
    {
        Assert.Equal(["fashion-mnist", "mnist"], DatasetCatalog.Names);
        Assert.Same(DatasetDescriptor.FashionMnist, DatasetCatalog.Describe("Fashion_MNIST"));
        Assert.Same(DatasetDescriptor.FashionMnist, DatasetCatalog.Describe("fmnist"));
        Assert.Same(DatasetDescriptor.Mnist, DatasetCatalog.Describe("MNIST"));
        var error = Assert.Throws<ArgumentException>(() => DatasetCatalog.Describe("cifar10"));
        Assert.Contains("fashion-mnist, mnist", error.Message);
    }

    [Fact]
    public void Searches_the_data_directory_then_the_system_directory_then_the_cache()
    {
        var catalog = new DatasetCatalog(new DatasetCatalogOptions { DataDirectory = "/data", CacheRoot = "/cache" });
        Assert.Equal(["/data", DebianFashionMnist, "/cache/fashion-mnist"], catalog.SearchDirectories(DatasetDescriptor.FashionMnist));
        Assert.Equal(["/data", "/cache/mnist"], catalog.SearchDirectories(DatasetDescriptor.Mnist));
        var defaults = new DatasetCatalog();
        Assert.EndsWith(Path.Combine(".cache", "fq", "datasets", "mnist"), defaults.CacheDirectory(DatasetDescriptor.Mnist));
    }

    [Fact]
    public void Finds_fashion_mnist_where_the_debian_package_installs_it()
    {
        RequireDebianPackage();
        var catalog = new DatasetCatalog(new DatasetCatalogOptions { CacheRoot = directory });
        Assert.Equal(DebianFashionMnist, catalog.Find(DatasetDescriptor.FashionMnist));
    }

    [Fact]
    public void Loads_the_real_fashion_mnist_test_labels_which_hold_1000_of_each_class()
    {
        RequireDebianPackage();
        var labels = new DatasetCatalog().LoadLabels("fashion-mnist", DatasetSplit.Test);
        Assert.Equal(10_000, labels.Length);
        Assert.All(labels.CountBy(l => l), pair => Assert.Equal(1_000, pair.Value));
        Assert.Equal(10, labels.Distinct().Count());
    }

    [Fact]
    public void Loads_the_real_fashion_mnist_test_images_matching_their_checksum()
    {
        RequireDebianPackage();
        var test = new DatasetCatalog().Load("fashion-mnist", DatasetSplit.Test, DatasetSubset.Sample(100, 3));
        Assert.Equal(100, test.Count);
        Assert.Equal((1, 28, 28, 10), (test.Channels, test.Height, test.Width, test.Classes));
        Assert.Equal(100 * 784, test.Pixels.Length);
        Assert.InRange(test.Pixels.Max(), 0.99f, 1f);
        Assert.Equal(0f, test.Pixels.Min());
    }

    [Fact]
    public void Prefers_files_in_the_data_directory_to_the_system_copy()
    {
        var (tiny, served) = Tiny(new Uri("http://127.0.0.1:9/"));
        foreach (var (path, gz) in served) File.WriteAllBytes(Path.Combine(directory, path.TrimStart('/')), gz);
        var catalog = new DatasetCatalog(new DatasetCatalogOptions { DataDirectory = directory });
        Assert.Equal(directory, catalog.Find(tiny));
        var test = catalog.Load(tiny, DatasetSplit.Test);
        Assert.Equal([3L, 2L], test.Labels);
        Assert.Equal("tiny-test", test.Name);
        Assert.Equal(2 * 2 * 3, test.Pixels.Length);
    }

    [Fact]
    public void A_missing_data_set_says_where_it_looked_and_what_to_install()
    {
        var catalog = new DatasetCatalog(new DatasetCatalogOptions { SearchSystemDirectory = false, CacheRoot = directory });
        var error = Assert.Throws<FileNotFoundException>(() => catalog.Load("fashion-mnist", DatasetSplit.Train));
        Assert.Contains("Fashion-MNIST not found", error.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", error.Message);
        Assert.Contains(Path.Combine(directory, "fashion-mnist"), error.Message);
        Assert.Contains("allow downloads", error.Message);
    }

    [Fact]
    public async Task A_missing_data_set_is_not_downloaded_unless_allowed()
    {
        var catalog = new DatasetCatalog(new DatasetCatalogOptions { CacheRoot = directory });
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() =>
            catalog.LoadAsync("mnist", DatasetSplit.Test, null, TestContext.Current.CancellationToken));
        Assert.Contains("MNIST not found", error.Message);
        Assert.DoesNotContain("apt-get", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(directory));
    }

    [Fact]
    public async Task Downloads_a_missing_data_set_into_the_cache_and_loads_it()
    {
        var (tiny, served) = Tiny(new Uri("http://127.0.0.1:9/"));
        using var server = new LocalHttpServer(served);
        tiny = tiny with { DownloadBase = server.BaseUri };
        using var http = new HttpClient();
        var catalog = new DatasetCatalog(new DatasetCatalogOptions { CacheRoot = directory, AllowDownload = true }, http);
        var train = await catalog.LoadAsync(tiny, DatasetSplit.Train, DatasetSubset.First(3), TestContext.Current.CancellationToken);
        Assert.Equal([0L, 1L, 2L], train.Labels);
        Assert.Equal(31 / 255f, train.Pixels[6], 6); // image 1, pixel (0, 0): 1 * 31
        Assert.Equal(4, server.Requests);
        Assert.Equal(4, Directory.GetFiles(Path.Combine(directory, "tiny")).Length);
        await catalog.LoadAsync(tiny, DatasetSplit.Test, null, TestContext.Current.CancellationToken);
        Assert.Equal(4, server.Requests);
    }

    [Fact]
    public async Task A_failed_download_says_what_to_do_instead()
    {
        using var server = new LocalHttpServer(new Dictionary<string, byte[]>());
        var (tiny, _) = Tiny(server.BaseUri);
        using var http = new HttpClient();
        var catalog = new DatasetCatalog(new DatasetCatalogOptions { CacheRoot = directory, AllowDownload = true }, http);
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => catalog.EnsureAsync(tiny, TestContext.Current.CancellationToken));
        Assert.Contains("404", error.Message);
        Assert.Contains("put the four IDX files in " + Path.Combine(directory, "tiny"), error.Message);
        Assert.Empty(Directory.GetFiles(Path.Combine(directory, "tiny")));
    }

    [Fact]
    public void A_local_file_with_the_wrong_content_is_rejected_by_its_checksum()
    {
        var (tiny, served) = Tiny(new Uri("http://127.0.0.1:9/"));
        foreach (var (path, gz) in served) File.WriteAllBytes(Path.Combine(directory, path.TrimStart('/')), gz);
        File.WriteAllBytes(Path.Combine(directory, "t10k-labels-idx1-ubyte.gz"), Gzip(Labels(1, 1)));
        var catalog = new DatasetCatalog(new DatasetCatalogOptions { DataDirectory = directory });
        var error = Assert.Throws<InvalidDataException>(() => catalog.Load(tiny, DatasetSplit.Test));
        Assert.Contains("t10k-labels-idx1-ubyte", error.Message);
        Assert.Contains("SHA-256", error.Message);
        var unchecked_ = new DatasetCatalog(new DatasetCatalogOptions { DataDirectory = directory, VerifyChecksums = false });
        Assert.Equal([1L, 1L], unchecked_.Load(tiny, DatasetSplit.Test).Labels);
    }
}

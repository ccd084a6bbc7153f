using System.Net;
using System.Security.Cryptography;
using FocusedQuantization.Compression.Data;
using Xunit;
using static FocusedQuantization.Compression.Tests.Data.IdxTestFiles;

namespace FocusedQuantization.Compression.Tests.Data;

public sealed class DatasetDownloaderTests : IDisposable
{
    private static readonly byte[] Content = Labels(1, 2, 3, 4, 5);
    private static readonly byte[] Compressed = Gzip(Content);
    private readonly string directory = TempDirectory();
    private readonly LocalHttpServer server = new(new Dictionary<string, byte[]> { ["/labels.gz"] = Compressed });
    private readonly HttpClient http = new();

    public void Dispose()
    {
        http.Dispose();
        server.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private Uri Source => new(server.BaseUri, "labels.gz");

    private string Destination => Path.Combine(directory, "labels.gz");

    [Fact]
    public async Task Accepts_a_gzip_whose_decompressed_content_has_the_expected_hash()
    {
        var expected = new DatasetFile("labels", Content.Length, Sha(Content));
        await new DatasetDownloader(http).DownloadAsync(Source, Destination, expected, TestContext.Current.CancellationToken);
        Assert.Equal(Compressed, File.ReadAllBytes(Destination));
        Assert.Equal([Destination], Directory.GetFiles(directory));
    }

    [Fact]
    public async Task Accepts_a_download_whose_own_hash_matches_the_published_gzip_hash()
    {
        var expected = new DatasetFile("labels", 1, new string('0', 64), Sha(Compressed));
        await new DatasetDownloader(http).DownloadAsync(Source, Destination, expected, TestContext.Current.CancellationToken);
        Assert.Equal(Compressed, File.ReadAllBytes(Destination));
    }

    [Fact]
    public async Task Rejects_a_checksum_mismatch_leaving_no_file_and_an_older_copy_untouched()
    {
        var stale = Path.Combine(directory, "labels.gz");
        File.WriteAllBytes(stale, [42]);
        var wrong = new DatasetFile("labels", Content.Length, Sha([9, 9, 9]), Sha([8]));
        var error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            new DatasetDownloader(http).DownloadAsync(Source, stale, wrong, TestContext.Current.CancellationToken));
        Assert.Contains("checksum", error.Message);
        Assert.Contains(Source.ToString(), error.Message);
        Assert.Equal([42], File.ReadAllBytes(stale));
        Assert.Equal([stale], Directory.GetFiles(directory));
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task Reports_an_http_error_and_leaves_no_file()
    {
        var expected = new DatasetFile("labels", Content.Length, Sha(Content));
        var error = await Assert.ThrowsAsync<HttpRequestException>(() =>
            new DatasetDownloader(http).DownloadAsync(new Uri(server.BaseUri, "missing.gz"), Destination, expected, TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Empty(Directory.GetFiles(directory));
    }
}

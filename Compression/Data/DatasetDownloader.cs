using System.Security.Cryptography;

namespace FocusedQuantization.Compression.Data;

/// <summary>
/// Downloads one data set file over HTTP, accepts it only if its checksum matches, and writes it atomically
/// (a temporary file in the destination folder renamed into place), so a failed or rejected download leaves nothing.
/// </summary>
public sealed class DatasetDownloader(HttpClient httpClient)
{
    /// <summary>
    /// Fetches <paramref name="source"/> into <paramref name="destinationPath"/>. The bytes are accepted if their SHA-256
    /// equals <see cref="DatasetFile.GzipSha256"/>, or if, gunzipped when gzip, they have the expected size and
    /// <see cref="DatasetFile.Sha256"/>. Throws <see cref="HttpRequestException"/> on an HTTP failure and
    /// <see cref="InvalidDataException"/> on a checksum mismatch; in both cases no file is left behind.
    /// </summary>
    public async Task DownloadAsync(Uri source, string destinationPath, DatasetFile expected, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destinationPath);
        ArgumentNullException.ThrowIfNull(expected);
        var destination = Path.GetFullPath(destinationPath);
        var directory = Path.GetDirectoryName(destination)!;
        Directory.CreateDirectory(directory);
        // Same folder as the destination, so the final rename never crosses file systems and is atomic.
        var temporary = Path.Combine(directory, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.part");
        try
        {
            using (var response = await httpClient.GetAsync(source, HttpCompletionOption.ResponseHeadersRead, cancellationToken))
            {
                if (!response.IsSuccessStatusCode)
                    throw new HttpRequestException(
                        $"Downloading {source} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                await using var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                await body.CopyToAsync(output, cancellationToken);
            }
            Verify(temporary, source, expected);
            File.Move(temporary, destination, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    private static void Verify(string path, Uri source, DatasetFile expected)
    {
        var downloaded = File.ReadAllBytes(path);
        var downloadedHash = Hex(downloaded);
        if (expected.GzipSha256 is { } gzipHash && string.Equals(downloadedHash, gzipHash, StringComparison.OrdinalIgnoreCase))
            return;
        string contentHash;
        long contentSize;
        try
        {
            var content = IdxReader.ReadDecompressed(path);
            contentHash = Hex(content);
            contentSize = content.Length;
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"The download of {expected.Name} from {source} is corrupt: {e.Message}", e);
        }
        if (contentSize != expected.Size || !string.Equals(contentHash, expected.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException(
                $"The download of {expected.Name} from {source} failed its checksum: content SHA-256 {contentHash} " +
                $"({contentSize} bytes), expected {expected.Sha256} ({expected.Size} bytes); it was discarded.");
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}

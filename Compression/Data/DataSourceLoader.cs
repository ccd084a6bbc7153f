using System.Formats.Tar;
using System.IO.Compression;

namespace FocusedQuantization.Compression.Data;

/// <summary>
/// Loads one split of any <see cref="DataSource"/>: the catalog's IDX sets as floats in memory, CIFAR as bytes in
/// memory (downloading and unpacking the official archive, checked against its SHA-256, when allowed and not found),
/// image folders as a streamed file list (train/ for the training split, val/ for the test split, whose class folders
/// must be among train/'s).
/// </summary>
public static class DataSourceLoader
{
    /// <summary>
    /// Loads <paramref name="split"/> (<see cref="DatasetSplit.Train"/> or <see cref="DatasetSplit.Test"/>) of
    /// <paramref name="source"/>. <paramref name="catalogOptions"/> says where built-in sets are looked for and whether
    /// anything may be downloaded; <paramref name="workers"/> (null: one per core) decode image folders.
    /// </summary>
    public static IImageSet Load(DataSource source, DatasetSplit split, DatasetCatalogOptions? catalogOptions = null, int? workers = null,
        HttpClient? httpClient = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (split == DatasetSplit.Validation) throw new ArgumentException("The validation images are carved from the training split; load the training split.");
        catalogOptions ??= new DatasetCatalogOptions();
        switch (source.Kind)
        {
            case DataSourceKind.Builtin:
            {
                var catalog = new DatasetCatalog(catalogOptions, httpClient);
                var descriptor = source.Builtin!;
                // Only a download needs the asynchronous path; loads run on worker threads, where blocking on it is harmless.
                return catalog.Find(descriptor) is not null || !catalogOptions.AllowDownload
                    ? catalog.Load(descriptor, split)
                    : catalog.LoadAsync(descriptor, split, null, cancellationToken).GetAwaiter().GetResult();
            }
            case DataSourceKind.ImageFolder:
                return OpenImageFolder(source, split, workers);
            default:
            {
                var format = source.Kind == DataSourceKind.Cifar10 ? CifarFormat.Cifar10 : CifarFormat.Cifar100;
                var directory = EnsureCifarAsync(format, source.Path!, catalogOptions.AllowDownload, httpClient, cancellationToken).GetAwaiter().GetResult();
                var (pixels, labels) = format.Read(directory, split);
                return new CifarDataset($"{source.Name} {(split == DatasetSplit.Test ? "test" : "train")}", pixels, labels, format.Classes, format.Normalization);
            }
        }
    }

    /// <summary>The training (train/) or test (val/) part of an image folder source.</summary>
    public static ImageFolderDataset OpenImageFolder(DataSource source, DatasetSplit split, int? workers = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Kind != DataSourceKind.ImageFolder) throw new ArgumentException($"{source.Name} is not an image folder.");
        var root = source.Path!;
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"Image folder '{root}' does not exist.");
        var train = Path.Combine(root, "train");
        var val = Path.Combine(root, "val");
        foreach (var part in new[] { train, val })
            if (!Directory.Exists(part))
                throw new DirectoryNotFoundException($"Image folder '{root}' has no {Path.GetFileName(part)}/ folder; it needs train/ and val/, each with a sub-folder of images per class.");
        var transforms = new ImageTransforms(source.ImageSize, source.ResizeSize, ImageNormalization.ImageNet);
        var name = $"{source.Name} {(split == DatasetSplit.Test ? "val" : "train")}/";
        if (split != DatasetSplit.Test) return ImageFolderDataset.Open(train, name, transforms, null, source.SkipBadImages, workers);
        var classes = Directory.GetDirectories(train).Select(d => Path.GetFileName(d)!).Where(n => !n.StartsWith('.')).Order(StringComparer.Ordinal).ToArray();
        return ImageFolderDataset.Open(val, name, transforms, classes, source.SkipBadImages, workers);
    }

    /// <summary>
    /// The folder holding <paramref name="format"/>'s files under <paramref name="root"/>, downloading and unpacking the
    /// official archive into <paramref name="root"/> first when they are not there and <paramref name="allowDownload"/> is set.
    /// </summary>
    public static async Task<string> EnsureCifarAsync(CifarFormat format, string root, bool allowDownload, HttpClient? httpClient = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(root);
        if (format.Find(root) is { } found) return found;
        var files = string.Join(", ", format.TrainFiles.Concat(format.TestFiles));
        if (!allowDownload)
            throw new FileNotFoundException(
                $"{format.DisplayName} not found: looked for {files} in {root} and {Path.Combine(root, format.ArchiveFolder)}. To fix: unpack " +
                $"{format.ArchiveUri} (the binary version) into {root}, or allow downloads (drop --offline).");
        var client = httpClient ?? new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
        var archive = Path.Combine(root, format.Archive.Name);
        try
        {
            await new DatasetDownloader(client).DownloadAsync(format.ArchiveUri, archive, format.Archive, cancellationToken);
            await using (var gzip = new GZipStream(File.OpenRead(archive), CompressionMode.Decompress))
                await TarFile.ExtractToDirectoryAsync(gzip, root, overwriteFiles: true, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new FileNotFoundException($"{format.DisplayName} not found in {root}, and downloading {format.ArchiveUri} failed: {e.Message}", e);
        }
        finally
        {
            if (httpClient is null) client.Dispose();
            if (File.Exists(archive)) File.Delete(archive);
        }
        return format.Find(root) ?? throw new InvalidDataException($"The {format.DisplayName} archive from {format.ArchiveUri} did not hold {files}.");
    }
}

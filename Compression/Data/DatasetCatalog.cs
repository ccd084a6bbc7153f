using System.Security.Cryptography;

namespace FocusedQuantization.Compression.Data;

/// <summary>
/// Finds, downloads if allowed, checks and loads the project's data sets (Fashion-MNIST, MNIST). Looks, in order, in
/// <see cref="DatasetCatalogOptions.DataDirectory"/>, the system package's directory, and the cache folder.
/// </summary>
public sealed class DatasetCatalog
{
    private readonly HttpClient? httpClient;

    /// <summary>Creates a catalog; <paramref name="httpClient"/> is used for downloads (a default client if null).</summary>
    public DatasetCatalog(DatasetCatalogOptions? options = null, HttpClient? httpClient = null)
    {
        Options = options ?? new DatasetCatalogOptions();
        this.httpClient = httpClient;
    }

    /// <summary>The options in effect.</summary>
    public DatasetCatalogOptions Options { get; }

    /// <summary>The data sets the catalog knows.</summary>
    public static IReadOnlyList<DatasetDescriptor> Known { get; } = [DatasetDescriptor.FashionMnist, DatasetDescriptor.Mnist];

    /// <summary>The canonical data set names: fashion-mnist, mnist.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Known.Select(d => d.Name)];

    /// <summary>
    /// The descriptor of <paramref name="name"/> (case-insensitive; "fashion", "fmnist" and "fashion_mnist" accepted),
    /// or an <see cref="ArgumentException"/> listing the valid names.
    /// </summary>
    public static DatasetDescriptor Describe(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = name.Trim().ToLowerInvariant().Replace('_', '-');
        key = key is "fashion" or "fmnist" or "fashionmnist" ? "fashion-mnist" : key;
        return Known.FirstOrDefault(d => d.Name == key)
            ?? throw new ArgumentException($"Unknown data set '{name}'. Valid data sets: {string.Join(", ", Names)}.", nameof(name));
    }

    /// <summary>Where downloads of <paramref name="dataset"/> go: the cache root plus the data set's name.</summary>
    public string CacheDirectory(DatasetDescriptor dataset) => Path.Combine(Options.EffectiveCacheRoot, dataset.Name);

    /// <summary>The directories searched for <paramref name="dataset"/>, in order.</summary>
    public IReadOnlyList<string> SearchDirectories(DatasetDescriptor dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var directories = new List<string>();
        if (Options.DataDirectory is { } data) directories.Add(data);
        if (Options.SearchSystemDirectory && dataset.SystemDirectory is { } system) directories.Add(system);
        directories.Add(CacheDirectory(dataset));
        return directories;
    }

    /// <summary>The path of <paramref name="file"/> in <paramref name="directory"/>, raw or .gz (raw preferred), or null.</summary>
    public static string? FilePath(string directory, DatasetFile file)
    {
        var raw = Path.Combine(directory, file.Name);
        if (File.Exists(raw)) return raw;
        var gzip = raw + ".gz";
        return File.Exists(gzip) ? gzip : null;
    }

    /// <summary>The first searched directory that holds all four files of <paramref name="dataset"/>, or null.</summary>
    public string? Find(DatasetDescriptor dataset) =>
        SearchDirectories(dataset).FirstOrDefault(d => dataset.Files.All(f => FilePath(d, f) is not null));

    /// <summary>
    /// The directory holding <paramref name="dataset"/>, downloading it into the cache first when it is found nowhere
    /// and <see cref="DatasetCatalogOptions.AllowDownload"/> is set. Throws <see cref="FileNotFoundException"/> saying
    /// where it looked and what to install or where to put the files.
    /// </summary>
    public async Task<string> EnsureAsync(DatasetDescriptor dataset, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (Find(dataset) is { } found) return found;
        if (!Options.AllowDownload) throw NotFound(dataset, null);
        var target = CacheDirectory(dataset);
        var client = httpClient ?? new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        try
        {
            var downloader = new DatasetDownloader(client);
            foreach (var file in dataset.Files)
            {
                if (FilePath(target, file) is not null) continue;
                try
                {
                    await downloader.DownloadAsync(dataset.DownloadUri(file), Path.Combine(target, file.Name + ".gz"), file, cancellationToken);
                }
                catch (HttpRequestException e)
                {
                    throw NotFound(dataset, e);
                }
                catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    throw NotFound(dataset, e);
                }
            }
        }
        finally
        {
            if (httpClient is null) client.Dispose();
        }
        return target;
    }

    /// <summary>
    /// Loads <paramref name="split"/> of the data set <paramref name="name"/>, downloading it if allowed and needed,
    /// then keeps <paramref name="subset"/> of it if given.
    /// </summary>
    public Task<ImageDataset> LoadAsync(string name, DatasetSplit split, DatasetSubset? subset = null, CancellationToken cancellationToken = default) =>
        LoadAsync(Describe(name), split, subset, cancellationToken);

    /// <summary>Loads <paramref name="split"/> of <paramref name="dataset"/>, downloading it if allowed and needed.</summary>
    public async Task<ImageDataset> LoadAsync(DatasetDescriptor dataset, DatasetSplit split, DatasetSubset? subset = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var directory = await EnsureAsync(dataset, cancellationToken);
        return LoadFrom(dataset, directory, split, subset);
    }

    /// <summary>Loads <paramref name="split"/> of the data set <paramref name="name"/> from disk, never downloading.</summary>
    public ImageDataset Load(string name, DatasetSplit split, DatasetSubset? subset = null) => Load(Describe(name), split, subset);

    /// <summary>Loads <paramref name="split"/> of <paramref name="dataset"/> from disk, never downloading.</summary>
    public ImageDataset Load(DatasetDescriptor dataset, DatasetSplit split, DatasetSubset? subset = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var directory = Find(dataset) ?? throw NotFound(dataset, null);
        return LoadFrom(dataset, directory, split, subset);
    }

    /// <summary>Loads only the labels of <paramref name="split"/> of the data set <paramref name="name"/> from disk.</summary>
    public long[] LoadLabels(string name, DatasetSplit split) => LoadLabels(Describe(name), split);

    /// <summary>Loads only the labels of <paramref name="split"/> of <paramref name="dataset"/> from disk.</summary>
    public long[] LoadLabels(DatasetDescriptor dataset, DatasetSplit split)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var directory = Find(dataset) ?? throw NotFound(dataset, null);
        var labels = dataset.FilesOf(split).Labels;
        var path = FilePath(directory, labels)!;
        return IdxReader.ToLabels(IdxReader.Parse(ReadChecked(path, labels, dataset), path), path, dataset.Classes);
    }

    private ImageDataset LoadFrom(DatasetDescriptor dataset, string directory, DatasetSplit split, DatasetSubset? subset)
    {
        var (images, labels) = dataset.FilesOf(split);
        var imagesPath = FilePath(directory, images) ?? throw NotFound(dataset, null);
        var labelsPath = FilePath(directory, labels) ?? throw NotFound(dataset, null);
        var loaded = IdxReader.ToImageDataset(
            IdxReader.Parse(ReadChecked(imagesPath, images, dataset), imagesPath), imagesPath,
            IdxReader.Parse(ReadChecked(labelsPath, labels, dataset), labelsPath), labelsPath,
            $"{dataset.Name}-{split.ToString().ToLowerInvariant()}", dataset.Classes);
        return subset is null ? loaded : subset.Apply(loaded);
    }

    private byte[] ReadChecked(string path, DatasetFile file, DatasetDescriptor dataset)
    {
        var bytes = IdxReader.ReadDecompressed(path);
        if (!Options.VerifyChecksums) return bytes;
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (bytes.Length != file.Size || !string.Equals(hash, file.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException(
                $"'{path}' is not the expected {dataset.DisplayName} file {file.Name}: its content has SHA-256 {hash} " +
                $"({bytes.Length} bytes), expected {file.Sha256} ({file.Size} bytes). Replace or delete it.");
        return bytes;
    }

    private FileNotFoundException NotFound(DatasetDescriptor dataset, Exception? downloadError)
    {
        var files = string.Join(", ", dataset.Files.Select(f => f.Name + "[.gz]"));
        var places = string.Join(", ", SearchDirectories(dataset));
        var install = dataset.SystemPackage is { } package && dataset.SystemDirectory is { } system
            ? $"install the Debian package {package} (apt-get install {package}), which puts them in {system}, or "
            : "";
        var putHere = Options.DataDirectory ?? CacheDirectory(dataset);
        var download = downloadError is null
            ? Options.AllowDownload ? "" : $", or allow downloads (AllowDownload) to fetch them from {dataset.DownloadBase}"
            : "";
        var prefix = downloadError is null
            ? $"{dataset.DisplayName} not found: looked for {files} in {places}."
            : $"{dataset.DisplayName} not found in {places}, and downloading it from {dataset.DownloadBase} failed: {downloadError.Message}";
        return new FileNotFoundException($"{prefix} To fix: {install}put the four IDX files in {putHere}{download}.", downloadError);
    }
}

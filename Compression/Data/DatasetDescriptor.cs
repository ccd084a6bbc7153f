namespace FocusedQuantization.Compression.Data;

/// <summary>
/// What a data set is and where it may be found: its four IDX files with checksums, the canonical download location,
/// and where a system package installs it.
/// </summary>
/// <param name="Name">Canonical lower-case name, also the cache sub-folder, e.g. "fashion-mnist".</param>
/// <param name="DisplayName">Name for messages, e.g. "Fashion-MNIST".</param>
/// <param name="Classes">Number of classes.</param>
/// <param name="DownloadBase">Base URI; each file is fetched as this plus its name plus ".gz".</param>
/// <param name="SystemDirectory">Where a system package installs the files, or null if none does.</param>
/// <param name="SystemPackage">The Debian package that installs them into <paramref name="SystemDirectory"/>, or null.</param>
/// <param name="TrainImages">The training image file.</param>
/// <param name="TrainLabels">The training label file.</param>
/// <param name="TestImages">The test image file.</param>
/// <param name="TestLabels">The test label file.</param>
public sealed record DatasetDescriptor(
    string Name,
    string DisplayName,
    int Classes,
    Uri DownloadBase,
    string? SystemDirectory,
    string? SystemPackage,
    DatasetFile TrainImages,
    DatasetFile TrainLabels,
    DatasetFile TestImages,
    DatasetFile TestLabels)
{
    /// <summary>Fashion-MNIST (Xiao et al. 2017); Debian ships it in dataset-fashion-mnist.</summary>
    /// <remarks>Decompressed SHA-256 values were computed from the files of the Debian package, which match the release.</remarks>
    public static DatasetDescriptor FashionMnist { get; } = new(
        "fashion-mnist",
        "Fashion-MNIST",
        10,
        new Uri("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
        "/usr/share/datasets/fashion-mnist",
        "dataset-fashion-mnist",
        new("train-images-idx3-ubyte", 47_040_016, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
        new("train-labels-idx1-ubyte", 60_008, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
        new("t10k-images-idx3-ubyte", 7_840_016, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
        new("t10k-labels-idx1-ubyte", 10_008, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"));

    /// <summary>MNIST handwritten digits (LeCun et al.); no Debian package ships it, so it is downloaded or placed by hand.</summary>
    /// <remarks>
    /// The .gz SHA-256 values are the ones published for the canonical files by several independent dataset loaders
    /// (PyTorch-, TensorFlow- and JAX-based projects fetching from the ossci and cvdf mirrors); the decompressed SHA-256
    /// values are those several independent projects pin for the gunzipped IDX files. Both agree across sources.
    /// </remarks>
    public static DatasetDescriptor Mnist { get; } = new(
        "mnist",
        "MNIST",
        10,
        new Uri("https://ossci-datasets.s3.amazonaws.com/mnist/"),
        null,
        null,
        new("train-images-idx3-ubyte", 47_040_016,
            "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
        new("train-labels-idx1-ubyte", 60_008,
            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
        new("t10k-images-idx3-ubyte", 7_840_016,
            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
        new("t10k-labels-idx1-ubyte", 10_008,
            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"));

    /// <summary>The four files: train images, train labels, test images, test labels.</summary>
    public IReadOnlyList<DatasetFile> Files => [TrainImages, TrainLabels, TestImages, TestLabels];

    /// <summary>The image and label files of <paramref name="split"/>.</summary>
    public (DatasetFile Images, DatasetFile Labels) FilesOf(DatasetSplit split) => split switch
    {
        DatasetSplit.Train => (TrainImages, TrainLabels),
        DatasetSplit.Test => (TestImages, TestLabels),
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Unknown data set split."),
    };

    /// <summary>Where <paramref name="file"/> is downloaded from.</summary>
    public Uri DownloadUri(DatasetFile file) => new(DownloadBase, file.Name + ".gz");
}

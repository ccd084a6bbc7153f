namespace FocusedQuantization.Compression.Data;

/// <summary>
/// The binary CIFAR formats (https://www.cs.toronto.edu/~kriz/cifar.html): records of label byte(s) then 3072 pixel
/// bytes, 1024 red, 1024 green, 1024 blue, each plane row-major 32x32. CIFAR-10 has one label byte and its training
/// images in data_batch_1..5.bin, its test images in test_batch.bin; CIFAR-100 has a coarse then a fine label byte
/// (the fine one, 0..99, is used) and train.bin, test.bin.
/// </summary>
public sealed record CifarFormat(
    string Name,
    string DisplayName,
    int Classes,
    int LabelBytes,
    IReadOnlyList<string> TrainFiles,
    IReadOnlyList<string> TestFiles,
    string ArchiveFolder,
    DatasetFile Archive,
    Uri ArchiveUri,
    ImageNormalization Normalization)
{
    /// <summary>Bytes of pixels per record.</summary>
    public const int PixelBytes = 3 * 32 * 32;

    /// <summary>CIFAR-10, binary version: 50,000 training and 10,000 test images of 10 classes.</summary>
    /// <remarks>
    /// The archive's size and SHA-256 are those TensorFlow Datasets pins for this URL (url_checksums/cifar10.txt); the
    /// site itself publishes only an MD5 (c32a1d4ab5d03f1284b67883e8d87530).
    /// </remarks>
    public static CifarFormat Cifar10 { get; } = new(
        "cifar10", "CIFAR-10", 10, 1,
        ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"],
        ["test_batch.bin"],
        "cifar-10-batches-bin",
        new DatasetFile("cifar-10-binary.tar.gz", 170_052_171,
            "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd",
            "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd"),
        new Uri("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"),
        ImageNormalization.Cifar10);

    /// <summary>CIFAR-100, binary version: 50,000 training and 10,000 test images of 100 (fine) classes.</summary>
    /// <remarks>The archive's size and SHA-256 are those TensorFlow Datasets pins (url_checksums/cifar100.txt); the site publishes MD5 03b5dce01913d631647c71ecec9e9cb8.</remarks>
    public static CifarFormat Cifar100 { get; } = new(
        "cifar100", "CIFAR-100", 100, 2,
        ["train.bin"],
        ["test.bin"],
        "cifar-100-binary",
        new DatasetFile("cifar-100-binary.tar.gz", 168_513_733,
            "58a81ae192c23a4be8b1804d68e518ed807d710a4eb253b1f2a199162a40d8ec",
            "58a81ae192c23a4be8b1804d68e518ed807d710a4eb253b1f2a199162a40d8ec"),
        new Uri("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz"),
        ImageNormalization.Cifar100);

    /// <summary>Bytes per record: the label bytes and the pixels.</summary>
    public int RecordBytes => LabelBytes + PixelBytes;

    /// <summary>The files of <paramref name="split"/> (train or test).</summary>
    public IReadOnlyList<string> FilesOf(DatasetSplit split) => split == DatasetSplit.Test ? TestFiles : TrainFiles;

    /// <summary>
    /// The folder under <paramref name="root"/> that holds every file of both splits: <paramref name="root"/> itself or
    /// its <see cref="ArchiveFolder"/> (where the archive unpacks); null if neither does.
    /// </summary>
    public string? Find(string root)
    {
        foreach (var directory in new[] { root, Path.Combine(root, ArchiveFolder) })
            if (TrainFiles.Concat(TestFiles).All(f => File.Exists(Path.Combine(directory, f)))) return directory;
        return null;
    }

    /// <summary>
    /// Reads the files of <paramref name="split"/> from <paramref name="directory"/>: pixels (N x 3072 bytes, planes
    /// R, G, B) and labels. Throws <see cref="InvalidDataException"/> naming the file for a size that is not a whole
    /// number of records or a label out of range.
    /// </summary>
    public (byte[] Pixels, long[] Labels) Read(string directory, DatasetSplit split)
    {
        var paths = FilesOf(split).Select(f => Path.Combine(directory, f)).ToArray();
        long total = 0;
        foreach (var path in paths)
        {
            var length = new FileInfo(path).Length;
            if (length == 0 || length % RecordBytes != 0)
                throw new InvalidDataException(
                    $"CIFAR file '{path}' is {length} bytes long, not a whole number of {RecordBytes}-byte {DisplayName} records " +
                    $"({LabelBytes} label byte{(LabelBytes > 1 ? "s" : "")} and {PixelBytes} pixel bytes each). Is it the binary version of {DisplayName}?");
            total += length / RecordBytes;
        }
        if (total > int.MaxValue / PixelBytes) throw new InvalidDataException($"{DisplayName} in '{directory}' holds too many images ({total}).");
        var pixels = new byte[total * PixelBytes];
        var labels = new long[total];
        var record = new byte[RecordBytes];
        var index = 0;
        foreach (var path in paths)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            var inFile = 0;
            while (stream.Position < stream.Length)
            {
                stream.ReadExactly(record);
                var label = record[LabelBytes - 1];
                if (label >= Classes)
                    throw new InvalidDataException($"CIFAR file '{path}' holds label {label} in record {inFile}; {DisplayName} labels are below {Classes}.");
                labels[index] = label;
                record.AsSpan(LabelBytes).CopyTo(pixels.AsSpan(index * PixelBytes, PixelBytes));
                index++;
                inFile++;
            }
        }
        return (pixels, labels);
    }
}

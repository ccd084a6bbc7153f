namespace FocusedQuantization.Compression.Data;

/// <summary>Where a data set's images come from.</summary>
public enum DataSourceKind
{
    /// <summary>One of the catalog's IDX data sets (fashion-mnist, mnist).</summary>
    Builtin,

    /// <summary>A folder with train/ and val/ folders of class sub-folders of JPEG or PNG files (torchvision's ImageFolder layout).</summary>
    ImageFolder,

    /// <summary>CIFAR-10 in its binary batch format (data_batch_1..5.bin, test_batch.bin).</summary>
    Cifar10,

    /// <summary>CIFAR-100 in its binary format (train.bin, test.bin; the fine labels are used).</summary>
    Cifar100,
}

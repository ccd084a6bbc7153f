namespace FocusedQuantization.Compression.Data;

/// <summary>Which part of a data set to load.</summary>
public enum DatasetSplit
{
    /// <summary>The training images (60,000 for MNIST and Fashion-MNIST).</summary>
    Train,

    /// <summary>The test images (10,000 for MNIST and Fashion-MNIST).</summary>
    Test,
}

namespace FocusedQuantization.Compression.Data;

/// <summary>Which part of a data set to load.</summary>
public enum DatasetSplit
{
    /// <summary>The training images (60,000 for MNIST and Fashion-MNIST).</summary>
    Train,

    /// <summary>The test images (10,000 for MNIST and Fashion-MNIST).</summary>
    Test,

    /// <summary>
    /// The images a <see cref="ValidationSplit"/> holds out of the training images; a request for <see cref="Train"/>
    /// with a validation split then gets the rest.
    /// </summary>
    Validation,
}

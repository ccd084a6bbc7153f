using FocusedQuantization.Compression.Data;

namespace FocusedQuantization.Compression.Stages;

/// <summary>
/// One split of a data set, optionally only its first <paramref name="Limit"/> images, looked for first in
/// <paramref name="DataDirectory"/> (null: the usual places). <paramref name="AllowDownload"/> (default false) lets a
/// data set found nowhere be downloaded; it does not change what is loaded, so it is not part of the cache key.
/// With <paramref name="Validation"/>, the (limited) training images are split: <see cref="DatasetSplit.Train"/> gets the
/// images left to fit on and <see cref="DatasetSplit.Validation"/> the held-out ones; <paramref name="Limit"/> then
/// limits the training images before the split.
/// </summary>
public sealed record DatasetRequest(
    string Dataset, DatasetSplit Split, int? Limit = null, string? DataDirectory = null, bool AllowDownload = false, ValidationSplit? Validation = null)
{
    /// <summary>Throws ArgumentException when the split and the validation setting do not go together.</summary>
    public void Validate()
    {
        if (Split == DatasetSplit.Validation && Validation is null)
            throw new ArgumentException("A request for validation images needs a validation split.");
        if (Split == DatasetSplit.Test && Validation is not null)
            throw new ArgumentException("The test images are never split for validation.");
    }
}

using FocusedQuantization.Compression.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Training;

/// <summary>
/// A whole <see cref="ImageDataset"/> as two tensors (images N x C x H x W, labels N), made once so that batches are
/// slices or index_selects of them rather than per-image copies.
/// </summary>
internal sealed class DatasetTensors : IDisposable
{
    public DatasetTensors(ImageDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0) throw new ArgumentException($"Data set '{data.Name}' is empty.");
        if (data.Pixels.Length != (long)data.Count * data.ImageSize)
            throw new ArgumentException(
                $"Data set '{data.Name}' has {data.Pixels.Length} pixels, expected {data.Count} x {data.ImageSize}.");
        Source = data;
        // from_array shares (pins) the managed arrays instead of copying them: a 60k-image set would otherwise be held
        // twice. Detached: these outlive any dispose scope the caller may have open, and are freed by Dispose.
        using (var flat = torch.from_array(data.Pixels))
            Images = flat.view(data.Count, data.Channels, data.Height, data.Width).DetachFromDisposeScope();
        Labels = torch.from_array(data.Labels).DetachFromDisposeScope();
    }

    public ImageDataset Source { get; }

    public Tensor Images { get; }

    public Tensor Labels { get; }

    public long Count => Source.Count;

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}

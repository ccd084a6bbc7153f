namespace FocusedQuantization.Compression.Data;

/// <summary>Per-channel mean and standard deviation of pixels in [0, 1], subtracted and divided out as torchvision's Normalize does.</summary>
public sealed record ImageNormalization(float[] Mean, float[] Std)
{
    /// <summary>ImageNet's (torchvision's pretrained models expect it).</summary>
    public static ImageNormalization ImageNet { get; } = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>CIFAR-10's training set statistics.</summary>
    public static ImageNormalization Cifar10 { get; } = new([0.4914f, 0.4822f, 0.4465f], [0.2470f, 0.2435f, 0.2616f]);

    /// <summary>CIFAR-100's training set statistics.</summary>
    public static ImageNormalization Cifar100 { get; } = new([0.5071f, 0.4865f, 0.4409f], [0.2673f, 0.2564f, 0.2762f]);

    /// <summary>The float a byte <paramref name="value"/> of <paramref name="channel"/> becomes: (value / 255 - mean) / std.</summary>
    public float Apply(int channel, byte value) => (value / 255f - Mean[channel]) / Std[channel];

    /// <summary>A 256-entry table per channel of <see cref="Apply"/>, for converting whole images quickly.</summary>
    public float[][] Tables()
    {
        var tables = new float[Mean.Length][];
        for (var c = 0; c < Mean.Length; c++)
        {
            tables[c] = new float[256];
            for (var v = 0; v < 256; v++) tables[c][v] = Apply(c, (byte)v);
        }
        return tables;
    }
}

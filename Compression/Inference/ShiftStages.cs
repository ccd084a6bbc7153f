namespace FocusedQuantization.Compression.Inference;

/// <summary>One image's activations in CHW order; a flat vector is Channels = length, Height = Width = 1.</summary>
internal readonly record struct FeatureMap(float[] Values, int Channels, int Height, int Width)
{
    public int Plane => Height * Width;
}

/// <summary>One step of a <see cref="ShiftNetwork"/>, applied to one image at a time.</summary>
internal interface IShiftStage
{
    FeatureMap Forward(FeatureMap x);
}

/// <summary>
/// A quantized convolution: the input map becomes int8 with a scale of its own (its largest magnitude over 127),
/// then <see cref="ShiftConv2d"/> computes the output with shifts and adds; the bias is added in float.
/// </summary>
internal sealed class ConvStage(string name, ShiftConv2d conv) : IShiftStage
{
    public FeatureMap Forward(FeatureMap x)
    {
        if (x.Channels != conv.InChannels)
            throw new InvalidOperationException($"{name} expects {conv.InChannels} input channels but gets {x.Channels}.");
        var quantizer = ActivationQuantizer.ForData(x.Values);
        var (height, width) = conv.OutputSize(x.Height, x.Width);
        var y = conv.Forward(quantizer.Quantize(x.Values), 1, x.Height, x.Width, quantizer.Scale);
        return new FeatureMap(y, conv.OutChannels, height, width);
    }
}

/// <summary>
/// A quantized fully connected layer on the flattened input (CHW order, as torch's flatten(1) of NCHW), with the
/// input quantized as in <see cref="ConvStage"/>.
/// </summary>
internal sealed class LinearStage(string name, ShiftLinear linear) : IShiftStage
{
    public FeatureMap Forward(FeatureMap x)
    {
        if (x.Values.Length != linear.InFeatures)
            throw new InvalidOperationException($"{name} expects {linear.InFeatures} inputs but gets {x.Values.Length}.");
        var quantizer = ActivationQuantizer.ForData(x.Values);
        var y = linear.Forward(quantizer.Quantize(x.Values), quantizer.Scale);
        return new FeatureMap(y, y.Length, 1, 1);
    }
}

/// <summary>max(x, 0), in place.</summary>
internal sealed class ReluStage : IShiftStage
{
    public static ReluStage Instance { get; } = new();

    public FeatureMap Forward(FeatureMap x)
    {
        var v = x.Values;
        for (var i = 0; i < v.Length; i++) v[i] = MathF.Max(v[i], 0f);
        return x;
    }
}

/// <summary>Max pooling with a square window equal to its stride and no padding (torch's max_pool2d(x, k)).</summary>
internal sealed class MaxPoolStage(int size) : IShiftStage
{
    public FeatureMap Forward(FeatureMap x)
    {
        int height = x.Height / size, width = x.Width / size;
        var y = new float[x.Channels * height * width];
        for (var c = 0; c < x.Channels; c++)
            for (var oy = 0; oy < height; oy++)
                for (var ox = 0; ox < width; ox++)
                {
                    var max = float.NegativeInfinity;
                    for (var dy = 0; dy < size; dy++)
                        for (var dx = 0; dx < size; dx++)
                            max = MathF.Max(max, x.Values[(c * x.Height + oy * size + dy) * x.Width + ox * size + dx]);
                    y[(c * height + oy) * width + ox] = max;
                }
        return new FeatureMap(y, x.Channels, height, width);
    }
}

/// <summary>Batch norm in eval mode, folded once into a per-channel scale and shift, in place.</summary>
internal sealed class BatchNormStage : IShiftStage
{
    // TorchSharp's BatchNorm2d default; the models do not change it.
    private const double Epsilon = 1e-5;
    private readonly float[] scale;
    private readonly float[] shift;

    public BatchNormStage(float[] weight, float[] bias, float[] runningMean, float[] runningVar)
    {
        scale = new float[weight.Length];
        shift = new float[weight.Length];
        for (var c = 0; c < weight.Length; c++)
        {
            var s = weight[c] / Math.Sqrt(runningVar[c] + Epsilon);
            scale[c] = (float)s;
            shift[c] = (float)(bias[c] - runningMean[c] * s);
        }
    }

    public FeatureMap Forward(FeatureMap x)
    {
        if (x.Channels != scale.Length)
            throw new InvalidOperationException($"Batch norm over {scale.Length} channels gets {x.Channels}.");
        var plane = x.Plane;
        for (var c = 0; c < x.Channels; c++)
        {
            var values = x.Values.AsSpan(c * plane, plane);
            for (var i = 0; i < values.Length; i++) values[i] = values[i] * scale[c] + shift[c];
        }
        return x;
    }
}

/// <summary>Mean over each channel's plane (torch's mean over dimensions 2 and 3).</summary>
internal sealed class GlobalAveragePoolStage : IShiftStage
{
    public static GlobalAveragePoolStage Instance { get; } = new();

    public FeatureMap Forward(FeatureMap x)
    {
        var plane = x.Plane;
        var y = new float[x.Channels];
        for (var c = 0; c < x.Channels; c++)
        {
            double sum = 0;
            foreach (var v in x.Values.AsSpan(c * plane, plane)) sum += v;
            y[c] = (float)(sum / plane);
        }
        return new FeatureMap(y, x.Channels, 1, 1);
    }
}

/// <summary>
/// ResNet's basic block: relu(body(x) + shortcut(x)), the shortcut being x itself or, when the block changes the
/// size, x subsampled by the stride and zero-padded in channels (option A, no parameters).
/// </summary>
internal sealed class ResidualStage(IReadOnlyList<IShiftStage> body, int stride, int outChannels) : IShiftStage
{
    public FeatureMap Forward(FeatureMap x)
    {
        var y = x;
        foreach (var stage in body) y = stage.Forward(y);
        if (y.Channels != outChannels || (y.Height, y.Width) != ((x.Height + stride - 1) / stride, (x.Width + stride - 1) / stride))
            throw new InvalidOperationException(
                $"A residual block maps {x.Channels}x{x.Height}x{x.Width} to {y.Channels}x{y.Height}x{y.Width}, which its shortcut does not match.");
        // torch pads the extra channels half before and half after (the smaller half first).
        var before = (outChannels - x.Channels) / 2;
        for (var c = 0; c < x.Channels; c++)
            for (var oy = 0; oy < y.Height; oy++)
                for (var ox = 0; ox < y.Width; ox++)
                    y.Values[((before + c) * y.Height + oy) * y.Width + ox] += x.Values[(c * x.Height + oy * stride) * x.Width + ox * stride];
        return ReluStage.Instance.Forward(y);
    }
}

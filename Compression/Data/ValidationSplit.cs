using System.Globalization;

namespace FocusedQuantization.Compression.Data;

/// <summary>
/// How many training images are held out for validation: a fraction of them (0 &lt; f &lt; 1) or a count (&gt;= 1).
/// Every choice made from accuracy (constraints, the Pareto front, layer searches, early stopping) is made on the
/// held-out images; the test split is only reported. The same setting always holds out the same images.
/// </summary>
public sealed record ValidationSplit
{
    // A fixed seed, not the trial's: every trial of a sweep, and every sweep on the same data, validates on the same
    // images, so that their accuracies are comparable.
    private const int CarveSeed = 20191208;

    private ValidationSplit(double value) => Value = value;

    /// <summary>A fraction in (0, 1), or a whole count of at least 1.</summary>
    public double Value { get; }

    /// <summary>The default: 10 % of the training images.</summary>
    public static ValidationSplit Default { get; } = new(0.1);

    /// <summary>
    /// The split a number describes: in (0, 1) a fraction, a whole number of at least 1 a count; anything else throws
    /// an <see cref="ArgumentException"/>.
    /// </summary>
    public static ValidationSplit FromNumber(double value)
    {
        if (value > 0 && value < 1) return new ValidationSplit(value);
        if (value >= 1 && value <= int.MaxValue && Math.Floor(value) == value) return new ValidationSplit(value);
        throw new ArgumentException(
            $"The validation split must be a fraction between 0 and 1 (e.g. 0.1 or 10%) or a whole number of images (e.g. 5000), got {value.ToString(CultureInfo.InvariantCulture)}.");
    }

    /// <summary>Parses "10%", "0.1" or "5000".</summary>
    public static ValidationSplit Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var percent = trimmed.EndsWith('%');
        if (percent) trimmed = trimmed[..^1].TrimEnd();
        if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            throw new ArgumentException($"The validation split must be a fraction (0.1), a percentage (10%) or a count of images (5000), got '{text}'.");
        if (percent)
        {
            if (!(value > 0 && value < 100)) throw new ArgumentException($"A validation percentage must be between 0 and 100, got '{text}'.");
            return new ValidationSplit(value / 100);
        }
        return FromNumber(value);
    }

    /// <summary>Whether this is a fraction rather than a count.</summary>
    public bool IsFraction => Value < 1;

    /// <summary>How many of <paramref name="trainingImages"/> are held out: at least 1, and at least 1 left to train on.</summary>
    public int SizeOf(int trainingImages)
    {
        if (trainingImages < 2)
            throw new ArgumentException($"A validation split needs at least 2 training images (one to hold out, one to train on), got {trainingImages}.");
        var size = IsFraction ? (int)Math.Round(Value * trainingImages, MidpointRounding.AwayFromZero) : (int)Value;
        if (!IsFraction && size >= trainingImages)
            throw new ArgumentException($"A validation split of {size} images leaves nothing to train on: the training split has {trainingImages}.");
        return Math.Clamp(size, 1, trainingImages - 1);
    }

    /// <summary>
    /// Splits <paramref name="training"/> into the images to fit on and the held-out validation images. The held-out
    /// ones are a uniform sample under a fixed seed; both parts keep the file order.
    /// </summary>
    public (ImageDataset Fit, ImageDataset Validation) Carve(ImageDataset training)
    {
        ArgumentNullException.ThrowIfNull(training);
        var (fit, validation) = Indices(training.Count);
        return (training.Select(fit, "fit"), training.Select(validation, "validation"));
    }

    /// <summary>Splits any image set as <see cref="Carve(ImageDataset)"/> does: the same positions for the same count.</summary>
    public (IImageSet Fit, IImageSet Validation) Carve(IImageSet training)
    {
        ArgumentNullException.ThrowIfNull(training);
        if (training is ImageDataset inMemory) return Carve(inMemory);
        var (fit, validation) = Indices(training.Count);
        return (training.Select(fit, "fit"), training.Select(validation, "validation"));
    }

    private (int[] Fit, int[] Validation) Indices(int count)
    {
        var held = SizeOf(count);
        var order = Enumerable.Range(0, count).ToArray();
        var random = new Random(CarveSeed);
        for (var i = 0; i < held; i++)
        {
            var j = random.Next(i, order.Length);
            (order[i], order[j]) = (order[j], order[i]);
        }
        var validation = order[..held];
        var fit = order[held..];
        Array.Sort(validation);
        Array.Sort(fit);
        return (fit, validation);
    }

    /// <summary>"0.1" or "5000": the setting as it enters checkpoint ids.</summary>
    public override string ToString() => Value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>"10 %" or "5000 images".</summary>
    public string Describe() => IsFraction
        ? (Value * 100).ToString("0.##", CultureInfo.InvariantCulture) + " %"
        : Value.ToString("0", CultureInfo.InvariantCulture) + " images";
}

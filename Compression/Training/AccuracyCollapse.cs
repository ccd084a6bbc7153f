using System.Globalization;

namespace FocusedQuantization.Compression.Training;

/// <summary>
/// The rule that a model scoring below twice chance has collapsed: it is a failure, never a result (a trial that
/// completes or a point on a front).
/// </summary>
public static class AccuracyCollapse
{
    /// <summary>The top-1 (percent) below which a classifier of <paramref name="classes"/> classes has collapsed: 2 x 100 / classes.</summary>
    public static double ThresholdPercent(int classes)
    {
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, "A classifier needs at least 2 classes.");
        return 2 * 100.0 / classes;
    }

    /// <summary>Whether <paramref name="top1Percent"/> is below twice chance, or is not a number at all.</summary>
    public static bool IsCollapsed(double top1Percent, int classes) => !(top1Percent >= ThresholdPercent(classes));

    /// <summary>The failure to throw for a collapsed model, naming its accuracy, the class count and the threshold.</summary>
    public static ModelCollapsedException Failure(string what, double top1Percent, int classes) => new(string.Create(CultureInfo.InvariantCulture,
        $"{what} collapsed: top-1 {top1Percent:F2} % on {classes} classes is below twice chance ({ThresholdPercent(classes):F2} %); it is a failure, not a result."));
}

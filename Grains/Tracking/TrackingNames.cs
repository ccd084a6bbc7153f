using System.Text;
using System.Text.RegularExpressions;

namespace FocusedQuantization.Grains.Tracking;

/// <summary>The experiment names, run keys and metric keys of the tracking contract (docs/TRACKING.md).</summary>
public static partial class TrackingNames
{
    /// <summary>The experiment of a sweep: its spec's name prefixed "fq/".</summary>
    public static string Experiment(string sweepName) => "fq/" + sweepName;

    /// <summary>The run key (tag fq.key) of a sweep's parent run.</summary>
    public static string SweepKey(string sweepId) => "sweep/" + sweepId;

    /// <summary>The run key (tag fq.key) of a trial's child run.</summary>
    public static string TrialKey(string trialId) => "trial/" + trialId;

    /// <summary>A metric or tag key for a layer, e.g. layer.fc1.bits; characters MLflow refuses in keys become '_'.</summary>
    public static string Layer(string layer, string what) => $"layer.{Safe(layer)}.{what}";

    private static string Safe(string name)
    {
        var safe = Unsafe().Replace(name, "_");
        // MLflow also refuses keys that change under path normalisation ("..", "a//b").
        var builder = new StringBuilder(safe);
        builder.Replace("..", "_.").Replace("//", "/_");
        return builder.ToString().Trim('/');
    }

    [GeneratedRegex(@"[^\w.\-/ ]")]
    private static partial Regex Unsafe();
}

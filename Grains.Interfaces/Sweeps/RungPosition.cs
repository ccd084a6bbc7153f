using System.Globalization;

namespace FocusedQuantization.Grains.Interfaces.Sweeps;

/// <summary>
/// A rung of an early-stopping sweep's trial: its number (0-based, as fq.rung logs it) among the trial's rungs, and
/// its fine-tuning epoch of the schedule's. Described 1-based, as the stop reasons say it: "rung 1/3 (epoch 1/8)".
/// </summary>
[GenerateSerializer, Immutable, Alias("fq.RungPosition")]
public sealed record RungPosition(
    [property: Id(0)] int Rung,
    [property: Id(1)] int Rungs,
    [property: Id(2)] int Epoch,
    [property: Id(3)] int ScheduleEpochs)
{
    /// <summary>"rung 1/3 (epoch 1/8)".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"rung {Rung + 1}/{Rungs} (epoch {Epoch}/{ScheduleEpochs})");

    /// <summary>
    /// The rung after <paramref name="epoch"/> fine-tuning epochs among <paramref name="rungEpochs"/> (a trial's rungs, the
    /// whole schedule last); null when that epoch is not one of them.
    /// </summary>
    public static RungPosition? Of(IReadOnlyList<int> rungEpochs, int epoch)
    {
        ArgumentNullException.ThrowIfNull(rungEpochs);
        for (var i = 0; i < rungEpochs.Count; i++)
            if (rungEpochs[i] == epoch) return new RungPosition(i, rungEpochs.Count, epoch, rungEpochs[^1]);
        return null;
    }

    /// <summary>"passed rungs at epochs 1, 3": the rungs at which a trial was let go on as it reached them.</summary>
    public static string Passed(IEnumerable<int> epochs) =>
        "passed rungs at epochs " + string.Join(", ", epochs.Select(e => e.ToString(CultureInfo.InvariantCulture)));
}

using System.Globalization;
using System.Text;

namespace FocusedQuantization.Compression.Training;

/// <summary>
/// Training produced a non-finite number (loss, weight, buffer, gradient or learned scale): the stage stops where it
/// happened instead of carrying NaN into a checkpoint or a report. The message names the stage, the epoch and batch
/// (1-based, as progress shows them) and, when a tensor is to blame, the layer.
/// </summary>
/// <remarks>
/// Deliberately not an <see cref="ArgumentException"/>: a divergence is a failure of the run (exit code 1, a failed
/// trial), not bad input. The message is composed once and passed to the base class, so it survives serializers that
/// rebuild an exception from its message alone (Orleans' fallback codec).
/// </remarks>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>A divergence not yet placed in a stage, epoch and batch (thrown by hooks; the trainer places it).</summary>
    public TrainingDivergedException(string reason, string? layer = null)
        : this(reason, layer, null, null, null, null, 0, null)
    {
    }

    private TrainingDivergedException(string reason, string? layer, string? stage, int? epoch, int? batch, int? batches, int retries, Exception? inner)
        : base(Compose(reason, stage, epoch, batch, batches, retries), inner)
    {
        Reason = reason;
        Layer = layer;
        Stage = stage;
        Epoch = epoch;
        Batch = batch;
        Batches = batches;
        Retries = retries;
    }

    /// <summary>What was not finite, e.g. "loss NaN" or "weight fc1.weight +inf at index 17".</summary>
    public string Reason { get; }

    /// <summary>The parameter (or buffer) that held the value; null for the loss.</summary>
    public string? Layer { get; }

    /// <summary>The stage that was training (<see cref="TrainerOptions.Stage"/>); null until placed.</summary>
    public string? Stage { get; }

    /// <summary>1-based epoch of the stage; null until placed.</summary>
    public int? Epoch { get; }

    /// <summary>1-based batch of the epoch; null when found at the start of the epoch, before its first batch.</summary>
    public int? Batch { get; }

    /// <summary>Batches in the epoch; null until placed.</summary>
    public int? Batches { get; }

    /// <summary>How many times the epoch had been rolled back and retried before this divergence ended the stage.</summary>
    public int Retries { get; }

    /// <summary>This divergence placed in <paramref name="stage"/> (fields already set are kept).</summary>
    public TrainingDivergedException At(string stage, int? epoch, int? batch = null, int? batches = null) =>
        new(Reason, Layer, Stage ?? stage, Epoch ?? epoch, Epoch is null ? batch : Batch, Epoch is null ? batches : Batches, Retries, this);

    /// <summary>This divergence as the final one, after <paramref name="retries"/> retries had been used.</summary>
    public TrainingDivergedException AfterRetries(int retries) =>
        new(Reason, Layer, Stage, Epoch, Batch, Batches, retries, this);

    /// <summary>A value as the reason shows it: NaN, +inf or -inf.</summary>
    public static string Describe(double value) =>
        double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "+inf" : double.IsNegativeInfinity(value) ? "-inf" : value.ToString("G6", CultureInfo.InvariantCulture);

    private static string Compose(string reason, string? stage, int? epoch, int? batch, int? batches, int retries)
    {
        var text = new StringBuilder(stage ?? "training").Append(" diverged");
        if (epoch is { } e)
        {
            text.Append(batch is { } b
                ? string.Create(CultureInfo.InvariantCulture, $" at epoch {e}, batch {b}{(batches is { } n ? "/" + n.ToString(CultureInfo.InvariantCulture) : "")}")
                : string.Create(CultureInfo.InvariantCulture, $" at the start of epoch {e}"));
        }
        text.Append(": ").Append(reason);
        if (retries > 0)
            text.Append(CultureInfo.InvariantCulture, $" (still diverging after {retries} {(retries == 1 ? "retry" : "retries")} at a halved learning rate)");
        return text.ToString();
    }
}

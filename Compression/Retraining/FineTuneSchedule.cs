namespace FocusedQuantization.Compression.Retraining;

/// <summary>
/// The incremental quantization schedule: the quantized share of each layer grows step by step, each step trained
/// for some epochs with a learning rate decayed every few epochs. Defaults are the paper's.
/// </summary>
public sealed record FineTuneSchedule
{
    /// <summary>Quantized share of each layer at each step. Default 0.25, 0.5, 0.75, 0.875, 1.</summary>
    public IReadOnlyList<double> Fractions { get; init; } = [0.25, 0.5, 0.75, 0.875, 1.0];

    /// <summary>Epochs of each step. Default 3, 3, 3, 3, 10.</summary>
    public IReadOnlyList<int> EpochsPerStep { get; init; } = [3, 3, 3, 3, 10];

    /// <summary>Learning rate at the start of every step. Default 0.001.</summary>
    public double LearningRate { get; init; } = 0.001;

    /// <summary>The learning rate is multiplied by <see cref="DecayFactor"/> every this many epochs of a step. Default 3.</summary>
    public int DecayEvery { get; init; } = 3;

    /// <summary>Learning-rate decay factor. Default 0.5 (the paper gives the period, not the factor).</summary>
    public double DecayFactor { get; init; } = 0.5;

    /// <summary>
    /// How already-quantized weights are trained. Default <see cref="FineTuneMode.Ste"/>, this project's choice; the
    /// paper freezes them (<see cref="FineTuneMode.Inq"/>). See docs/ALGORITHM.md.
    /// </summary>
    public FineTuneMode Mode { get; init; } = FineTuneMode.Ste;

    /// <summary>
    /// The same schedule with every step's epochs multiplied by <paramref name="scale"/> (rounded, at least 1), for
    /// short runs.
    /// </summary>
    public FineTuneSchedule Scaled(double scale)
    {
        if (!(scale > 0)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "The schedule scale must be positive.");
        return this with
        {
            EpochsPerStep = EpochsPerStep.Select(e => Math.Max(1, (int)Math.Round(e * scale, MidpointRounding.AwayFromZero))).ToArray(),
            DecayEvery = Math.Max(1, (int)Math.Round(DecayEvery * scale, MidpointRounding.AwayFromZero)),
        };
    }

    /// <summary>Total epochs over all steps.</summary>
    public int TotalEpochs => EpochsPerStep.Sum();

    /// <summary>Checks that fractions rise to 1 and that every count is positive.</summary>
    public void Validate()
    {
        if (Fractions.Count == 0 || Fractions.Count != EpochsPerStep.Count)
            throw new ArgumentException("The fine-tuning schedule needs as many epoch counts as fractions, and at least one step.");
        for (var i = 0; i < Fractions.Count; i++)
        {
            if (!(Fractions[i] > 0 && Fractions[i] <= 1) || (i > 0 && Fractions[i] < Fractions[i - 1]))
                throw new ArgumentException($"Schedule fractions must rise within (0, 1]; step {i} has {Fractions[i]}.");
            if (EpochsPerStep[i] < 1) throw new ArgumentException($"Step {i} of the schedule has {EpochsPerStep[i]} epochs; it needs at least 1.");
        }
        if (Math.Abs(Fractions[^1] - 1.0) > 1e-12) throw new ArgumentException("The last schedule step must quantize every weight (fraction 1).");
        if (!(LearningRate > 0)) throw new ArgumentException("The fine-tuning learning rate must be positive.");
        if (!Enum.IsDefined(Mode)) throw new ArgumentException($"Unknown fine-tuning mode {Mode}.");
    }

    /// <summary>The plan of every epoch: its step, the step's quantized fraction, its learning rate, and whether the
    /// mixture is re-estimated before it (after 1, 2, 4, ... epochs: the interval doubles each time; never in
    /// <see cref="FineTuneMode.Inq"/> mode, where frozen symbols decode through the plan that froze them).</summary>
    public IReadOnlyList<FineTuneEpoch> Expand()
    {
        Validate();
        var epochs = new List<FineTuneEpoch>();
        var nextReestimate = 1;
        var interval = 1;
        for (var step = 0; step < Fractions.Count; step++)
        {
            for (var e = 0; e < EpochsPerStep[step]; e++)
            {
                var index = epochs.Count;
                var due = index == nextReestimate;
                if (due)
                {
                    interval *= 2;
                    nextReestimate += interval;
                }
                var rate = LearningRate * Math.Pow(DecayFactor, e / DecayEvery);
                epochs.Add(new FineTuneEpoch(index, step, Fractions[step], rate, StartsStep: e == 0, Reestimate: due && Mode == FineTuneMode.Ste));
            }
        }
        return epochs;
    }
}

/// <summary>One epoch of the fine-tuning schedule.</summary>
public sealed record FineTuneEpoch(int Index, int Step, double QuantizedFraction, double LearningRate, bool StartsStep, bool Reestimate);

using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Client.Rendering;

/// <summary>
/// The JSON of `fq sweep status --json` and `fq pareto --json` (camelCase). A trial is the same object in both:
/// trialId, index, state (pending, running, completed, failed, cancelled), silo, stage, attempts, error, config,
/// cr, top1, top5 (null until completed), top1Dense (the baseline's), sparsity, compressedBytes, layers (name, mode, bits, weights, sparsity,
/// codedBits, separation), startedAt, finishedAt, seconds; with early stopping also stopReason, promotion, resumedLateFrom
/// (rung 0-based, rungs, epoch, scheduleEpochs), estimatedCr, epochsRun, scheduleEpochs and rungs. The row's figures come from the sweep; the layers from the
/// trial's own result (<see cref="ITrialGrain.GetResult"/>), null when it is not given.
/// </summary>
public static class SweepJson
{
    // Read by people and scripts, never embedded in HTML: keep '+' in timestamps and non-ASCII names readable.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The status and every trial as indented JSON text.</summary>
    public static string Status(SweepStatus status, IReadOnlyList<TrialStatus> trials, IReadOnlyDictionary<string, TrialResult>? results = null) =>
        StatusObject(status, trials, results).ToJsonString(Indented);

    /// <summary>The status: sweepId, name, state, model, dataset, createdAt, finishedAt, counts and trials (with their layers when <paramref name="results"/> has them).</summary>
    public static JsonObject StatusObject(SweepStatus status, IReadOnlyList<TrialStatus> trials, IReadOnlyDictionary<string, TrialResult>? results = null)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(trials);
        var counts = new JsonObject();
        foreach (var state in Enum.GetValues<TrialState>())
            counts[Name(state)] = status.Counts.Of(state);
        return new JsonObject
        {
            ["sweepId"] = status.SweepId,
            ["name"] = status.Spec.Name,
            ["state"] = status.State.ToString().ToLowerInvariant(),
            ["model"] = status.Spec.Model,
            ["dataset"] = status.Spec.Dataset,
            ["createdAt"] = status.CreatedAt,
            ["finishedAt"] = status.FinishedAt,
            ["counts"] = counts,
            ["trials"] = new JsonArray([.. trials.Select(t => (JsonNode)Trial(t, results?.GetValueOrDefault(t.TrialId)))]),
        };
    }

    /// <summary>The front as indented JSON: hypervolume, reference (cr, top1), evaluated (all trials) and the front's trials, best first.</summary>
    public static string Pareto(ParetoResult pareto, IReadOnlyDictionary<string, TrialResult>? results = null) =>
        ParetoObject(pareto, results).ToJsonString(Indented);

    /// <summary>The front as a JSON object; each trial also has its rank (1 = best).</summary>
    public static JsonObject ParetoObject(ParetoResult pareto, IReadOnlyDictionary<string, TrialResult>? results = null)
    {
        ArgumentNullException.ThrowIfNull(pareto);
        return new JsonObject
        {
            ["hypervolume"] = pareto.Hypervolume,
            ["reference"] = new JsonObject { ["cr"] = pareto.ReferenceCompressionRatio, ["top1"] = pareto.ReferenceTop1 },
            ["evaluated"] = pareto.Trials,
            ["trials"] = new JsonArray([.. pareto.Front.Select((t, i) =>
            {
                var trial = Trial(t, results?.GetValueOrDefault(t.TrialId));
                trial.Insert(0, "rank", i + 1);
                return (JsonNode)trial;
            })]),
        };
    }

    /// <summary>One trial, shaped the same in the status and the front; <paramref name="detail"/> gives its layers.</summary>
    public static JsonObject Trial(TrialStatus trial, TrialResult? detail = null)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var result = trial.Summary;
        return new JsonObject
        {
            ["trialId"] = trial.TrialId,
            ["index"] = trial.Index,
            ["state"] = Name(trial.State),
            ["silo"] = trial.Silo,
            ["stage"] = trial.Stage,
            ["attempts"] = trial.Attempts,
            ["error"] = trial.Error,
            ["config"] = trial.Config is { } config ? Config(config) : null,
            ["cr"] = Finite(result?.CompressionRatio),
            ["top1"] = Finite(result?.Top1),
            ["top5"] = Finite(result?.Top5),
            ["top1Dense"] = Finite(result?.Top1Dense),
            // Early stopping: why a trial stopped, how far it got, what was known of it at its rungs.
            ["stopReason"] = trial.StopReason,
            // How it went past its rungs ("passed rungs at epochs 1, 3", "resumed late from rung 1/3 (epoch 1/8)"), and
            // for a late promotion the rung it had been stopped at (0-based, as the tag fq.rung).
            ["promotion"] = trial.Promotion,
            ["resumedLateFrom"] = trial.ResumedLateFrom is { } late ? new JsonObject
            {
                ["rung"] = late.Rung,
                ["rungs"] = late.Rungs,
                ["epoch"] = late.Epoch,
                ["scheduleEpochs"] = late.ScheduleEpochs,
            } : null,
            ["estimatedCr"] = Finite(result?.EstimatedCompressionRatio),
            ["epochsRun"] = result is { ScheduleEpochs: > 0 } e ? e.EpochsRun : null,
            ["scheduleEpochs"] = result is { ScheduleEpochs: > 0 } se ? se.ScheduleEpochs : null,
            ["rungs"] = result is { Rungs.Count: > 0 } rr ? new JsonArray([.. rr.Rungs.Select(r => (JsonNode)new JsonObject
            {
                ["epoch"] = r.Epoch,
                ["validationTop1"] = Finite(r.ValidationTop1),
                ["top1"] = Finite(r.TestTop1),
            })]) : null,
            ["validationTop1"] = result is { } v && double.IsFinite(v.ValidationTop1) ? v.ValidationTop1 : null,
            ["validationTop5"] = result is { } v5 && double.IsFinite(v5.ValidationTop5) ? v5.ValidationTop5 : null,
            ["validationTop1Dense"] = result is { } vd && double.IsFinite(vd.ValidationTop1Dense) ? vd.ValidationTop1Dense : null,
            ["sparsity"] = result?.Sparsity,
            ["compressedBytes"] = result?.CompressedBytes,
            ["layers"] = detail is null ? null : new JsonArray([.. detail.Layers.Select(l => (JsonNode)new JsonObject
            {
                ["name"] = l.Name,
                ["mode"] = SweepVocabulary.Name(l.Mode),
                ["bits"] = l.Bits,
                ["weights"] = l.Weights,
                ["sparsity"] = l.Sparsity,
                ["codedBits"] = l.CodedBits,
                ["separation"] = l.Separation,
            })]),
            ["startedAt"] = trial.StartedAt,
            ["finishedAt"] = trial.FinishedAt,
            ["seconds"] = trial.StartedAt is { } start && trial.FinishedAt is { } end ? (end - start).TotalSeconds : null,
        };
    }

    /// <summary>A trial's config with the spec's names (overflowRate null = the paper's default).</summary>
    public static JsonObject Config(TrialConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var json = new JsonObject
        {
            ["model"] = config.Model,
            ["dataset"] = config.Dataset,
            ["seed"] = config.Seed,
            ["sparsity"] = config.TargetSparsity,
            ["pruneAlpha"] = config.PruneAlpha,
            ["bitsPolicy"] = SweepVocabulary.Name(config.BitsPolicy),
            ["bits"] = config.Bits,
            ["candidateBits"] = new JsonArray([.. config.CandidateBits.Select(b => (JsonNode)b)]),
            ["budgetBitsPerWeight"] = config.BudgetBitsPerWeight,
            ["wSep"] = config.WSep,
            ["overflowRate"] = config.OverflowRate,
            ["scheduleScale"] = config.ScheduleScale,
            ["fineTuneLr"] = config.FineTuneLearningRate,
            ["coding"] = SweepVocabulary.Name(config.Coding),
            ["fineTune"] = SweepVocabulary.Name(config.FineTune),
            ["training"] = new JsonObject
            {
                ["baselineEpochs"] = config.Training.BaselineEpochs,
                ["pruneEpochs"] = config.Training.PruneEpochs,
                ["batchSize"] = config.Training.BatchSize,
                ["learningRate"] = config.Training.LearningRate,
                ["trainLimit"] = config.Training.TrainLimit,
                ["testLimit"] = config.Training.TestLimit,
            },
        };
        // Only when set, so that the JSON of a trial without them reads as it always did. Keys in ordinal order
        // (per-layer values by weight name), the sampler's point in its own order (the space's).
        if (config.LayerSparsity is { Count: > 0 } sparsity)
            json["layerSparsity"] = new JsonObject(sparsity.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value)));
        if (config.LayerBits is { Count: > 0 } bits)
            json["layerBits"] = new JsonObject(bits.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value)));
        if (config.Parameters is { Count: > 0 } parameters)
            json["parameters"] = new JsonObject(parameters.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
        return json;
    }

    /// <summary>The lowercase name of a trial state: pending, running, completed, failed, cancelled.</summary>
    public static string Name(TrialState state) => state.ToString().ToLowerInvariant();

    /// <summary>A figure JSON can carry: NaN and infinities (not known, e.g. a stopped trial's final CR) are null.</summary>
    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}

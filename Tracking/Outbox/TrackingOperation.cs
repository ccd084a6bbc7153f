using System.Text.Json.Serialization;

namespace FocusedQuantization.Tracking.Outbox;

/// <summary>
/// One thing to tell the tracker about a run, named by its key (e.g. "trial/abc") rather than by the tracker's run id,
/// which is only known once the run exists there.
/// </summary>
/// <param name="RunKey">The run's stable key, logged as the tag fq.key; no single quotes.</param>
/// <param name="ExperimentName">The experiment the run belongs to; created if missing.</param>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "op")]
[JsonDerivedType(typeof(CreateRunOperation), "create_run")]
[JsonDerivedType(typeof(LogBatchOperation), "log_batch")]
[JsonDerivedType(typeof(SetTagOperation), "set_tag")]
[JsonDerivedType(typeof(UpdateRunOperation), "update_run")]
public abstract record TrackingOperation(string RunKey, string ExperimentName);

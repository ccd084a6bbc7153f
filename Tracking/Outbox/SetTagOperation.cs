namespace FocusedQuantization.Tracking.Outbox;

/// <summary>Sets one tag of a run (the last value written wins).</summary>
/// <param name="RunKey">The run's key.</param>
/// <param name="ExperimentName">The run's experiment.</param>
/// <param name="Key">Tag name.</param>
/// <param name="Value">Tag value.</param>
public sealed record SetTagOperation(string RunKey, string ExperimentName, string Key, string Value)
    : TrackingOperation(RunKey, ExperimentName);

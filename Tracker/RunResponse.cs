namespace FocusedQuantization.Tracker;

/// <summary>Answer of runs/create and runs/get.</summary>
/// <param name="Run">The run.</param>
public sealed record RunResponse(Run Run);

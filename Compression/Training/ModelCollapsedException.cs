namespace FocusedQuantization.Compression.Training;

/// <summary>
/// A model's accuracy fell below twice chance (<see cref="AccuracyCollapse"/>). Not an <see cref="ArgumentException"/>:
/// it is a failure of the run (exit code 1, a failed trial), not bad input.
/// </summary>
public sealed class ModelCollapsedException(string message) : Exception(message);

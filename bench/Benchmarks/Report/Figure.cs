namespace FocusedQuantization.Benchmarks.Report;

/// <summary>One line of the report's table: what was measured, against which target, and why a miss happened.</summary>
/// <param name="Area">The brief's item (e.g. "1. Mixture fit").</param>
/// <param name="Name">What the figure is.</param>
/// <param name="Measured">The measured value, formatted.</param>
/// <param name="Target">The target, or "-" when the figure is reported as it is.</param>
/// <param name="Met">Whether the target was met; null when there is no target.</param>
/// <param name="Note">Comparison, context, and the reason when the target was missed.</param>
internal sealed record Figure(string Area, string Name, string Measured, string Target, bool? Met, string Note);

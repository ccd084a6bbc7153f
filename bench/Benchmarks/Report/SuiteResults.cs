using BenchmarkDotNet.Reports;

namespace FocusedQuantization.Benchmarks.Report;

/// <summary>The BenchmarkDotNet summaries of one run, looked up by class, benchmark description and parameter.</summary>
internal sealed class SuiteResults(IReadOnlyList<Summary> summaries)
{
    /// <summary>Mean nanoseconds per operation (BenchmarkDotNet divides by OperationsPerInvoke).</summary>
    public double Nanoseconds(Type type, string description, string? parameter = null)
    {
        var report = summaries.SelectMany(s => s.Reports).FirstOrDefault(r =>
            r.BenchmarkCase.Descriptor.Type == type
            && r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\'') == description
            && (parameter is null || r.BenchmarkCase.Parameters.Items.Any(p => Equals(p.Value?.ToString(), parameter))));
        return report?.ResultStatistics?.Mean
               ?? throw new InvalidOperationException($"No result for {type.Name} '{description}' {parameter}: did it fail? See the log above.");
    }

    /// <summary>Operations per second.</summary>
    public double PerSecond(Type type, string description, string? parameter = null) => 1e9 / Nanoseconds(type, description, parameter);

    /// <summary>Time of <paramref name="description"/> over time of <paramref name="baseline"/>, from the same run.</summary>
    public double Ratio(Type type, string description, string baseline, string? parameter = null) =>
        Nanoseconds(type, description, parameter) / Nanoseconds(type, baseline, parameter);
}

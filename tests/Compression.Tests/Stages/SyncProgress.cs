using FocusedQuantization.Compression.Pipeline;

namespace FocusedQuantization.Compression.Tests.Stages;

/// <summary>Records progress synchronously and thread-safely (Progress&lt;T&gt; would post reports later).</summary>
internal sealed class SyncProgress : IProgress<PipelineProgress>
{
    private readonly List<PipelineProgress> _reports = [];

    public IReadOnlyList<PipelineProgress> Reports
    {
        get
        {
            lock (_reports) return _reports.ToArray();
        }
    }

    /// <summary>Reports of training batches (their detail starts with "epoch").</summary>
    public int TrainingReports => Reports.Count(r => r.Detail.StartsWith("epoch", StringComparison.Ordinal));

    public void Report(PipelineProgress value)
    {
        lock (_reports) _reports.Add(value);
    }
}

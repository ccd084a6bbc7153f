using System.Diagnostics;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Telemetry;

namespace FocusedQuantization.Grains.Execution;

/// <summary>
/// The spans of a trial's stages, opened and closed from the stage's progress reports (quantize = fine-tuning, encode,
/// evaluate), on the worker thread that runs the stage. Epoch spans are added at the end from the measured epoch
/// durations, back to back, ending where fine-tuning ended: the stage does not report where one epoch stops.
/// </summary>
internal sealed class TrialStageSpans : IDisposable
{
    private readonly Dictionary<string, Activity> _finished = [];
    private readonly Dictionary<string, TimeSpan> _durations = [];
    private readonly Stopwatch _clock = new();
    private Activity? _current;
    private string? _stage;

    /// <summary>Closes the running stage's span and opens the next one when <paramref name="stage"/> is a new stage.</summary>
    public void Enter(string stage)
    {
        var name = SpanOf(stage);
        if (name is null || name == _stage) return;
        Close();
        _stage = name;
        _clock.Restart();
        _current = FqTelemetry.Source.StartActivity(name);
    }

    /// <summary>Marks the running stage failed and closes it.</summary>
    public void Fail(Exception exception)
    {
        _current.RecordFailure(exception);
        Close();
    }

    /// <summary>Closes the last stage, describes each from the report, and records epoch spans and throughput.</summary>
    public void Finish(CompressionReport report, long trainImages, long testImages)
    {
        Close();
        if (_finished.TryGetValue(FqSpans.Encode, out var encode)) encode.SetTag(FqTags.CompressionRatio, report.CompressionRatio);
        if (_finished.TryGetValue(FqSpans.Evaluate, out var evaluate))
        {
            evaluate.SetTag(FqTags.Top1, report.Top1Compressed);
        }
        FqMetrics.RecordThroughput("evaluate", testImages, _durations.GetValueOrDefault(FqSpans.Evaluate));
        var fineTune = _finished.GetValueOrDefault(FqSpans.FineTune);
        var start = (fineTune?.StartTimeUtc + fineTune?.Duration ?? DateTime.UtcNow) - report.FineTuneEpochs.Aggregate(TimeSpan.Zero, (sum, e) => sum + e.Duration);
        foreach (var epoch in report.FineTuneEpochs)
        {
            FqMetrics.RecordThroughput("fine_tune", trainImages, epoch.Duration);
            if (fineTune is not null && FqTelemetry.Source.HasListeners())
            {
                using var span = FqTelemetry.Source.StartActivity(FqSpans.FineTuneEpoch, ActivityKind.Internal, fineTune.Context, startTime: start);
                span?.SetTag(FqTags.Epoch, epoch.Epoch)
                    .SetTag("fq.loss", epoch.Loss)
                    .SetTag("fq.accuracy", epoch.AccuracyPercent)
                    .SetTag("fq.images_per_second", epoch.Duration > TimeSpan.Zero ? trainImages / epoch.Duration.TotalSeconds : null)
                    .SetEndTime(start + epoch.Duration);
            }
            start += epoch.Duration;
        }
    }

    public void Dispose() => Close();

    private void Close()
    {
        if (_current is not null)
        {
            _current.Stop();
            _finished[_current.OperationName] = _current;
        }
        if (_stage is not null)
        {
            _durations[_stage] = _clock.Elapsed;
            FqMetrics.RecordStage(_stage["fq.".Length..], _clock.Elapsed);
        }
        _current = null;
        _stage = null;
    }

    private static string? SpanOf(string stage) => stage switch
    {
        PipelineStage.Quantize => FqSpans.FineTune,
        PipelineStage.Encode => FqSpans.Encode,
        PipelineStage.Evaluate => FqSpans.Evaluate,
        _ => null,
    };
}

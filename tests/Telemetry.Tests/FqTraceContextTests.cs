using System.Diagnostics;

namespace FocusedQuantization.Telemetry.Tests;

[Collection(ListenerCollection.Name)]
public sealed class FqTraceContextTests
{
    [Fact]
    public void A_captured_traceparent_parses_back_to_the_same_trace_and_span()
    {
        using var listener = SpanRecorder.Start();
        using var span = FqTelemetry.Source.StartActivity("fq.test");
        Assert.NotNull(span);

        var parsed = FqTraceContext.Parse(FqTraceContext.Capture(span));

        Assert.Equal((span.TraceId, span.SpanId), (parsed.TraceId, parsed.SpanId));
    }

    [Fact]
    public void A_span_started_under_a_kept_traceparent_joins_that_trace_whatever_is_current()
    {
        using var listener = SpanRecorder.Start();
        var kept = $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
        using var unrelated = FqTelemetry.Source.StartActivity("fq.unrelated");

        using var span = FqTraceContext.StartUnder(FqSpans.Trial, kept);

        Assert.NotNull(span);
        Assert.Equal(FqTraceContext.Parse(kept).TraceId, span.TraceId);
        Assert.Equal(FqTraceContext.Parse(kept).SpanId, span.ParentSpanId);
    }

    [Fact]
    public void A_malformed_traceparent_falls_back_to_the_current_span()
    {
        using var listener = SpanRecorder.Start();
        using var current = FqTelemetry.Source.StartActivity("fq.current");

        using var span = FqTraceContext.StartUnder(FqSpans.Trial, "not-a-traceparent");

        Assert.Equal(current!.TraceId, span!.TraceId);
    }

    [Fact]
    public void A_failure_marks_the_span_as_an_error_with_the_message()
    {
        using var listener = SpanRecorder.Start();
        using var span = FqTelemetry.Source.StartActivity("fq.failing");

        span.RecordFailure(new InvalidOperationException("layer conv1 has no weights"));

        Assert.Equal(ActivityStatusCode.Error, span!.Status);
        Assert.Equal("layer conv1 has no weights", span.StatusDescription);
        Assert.Contains(span.Events, e => e.Name == "exception");
    }
}

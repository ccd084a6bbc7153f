using System.Diagnostics;
using OpenTelemetry.Trace;

namespace FocusedQuantization.Telemetry.Tests;

public sealed class ProductTraceSamplerTests
{
    private static readonly ActivityContext Recorded = new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
    private static readonly ActivityContext NotRecorded = new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None);

    private static SamplingDecision Decide(ActivityContext parent, string name) =>
        new ProductTraceSampler().ShouldSample(new SamplingParameters(parent, ActivityTraceId.CreateRandom(), name, ActivityKind.Internal)).Decision;

    [Fact]
    public void A_product_span_without_a_parent_starts_a_recorded_trace() =>
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(default, FqSpans.Launch));

    [Fact]
    public void A_grain_call_without_a_parent_such_as_a_timer_tick_is_dropped() =>
        Assert.Equal(SamplingDecision.Drop, Decide(default, "FocusedQuantization.Grains.Interfaces.Sweeps.ITrialGrain/Start"));

    [Fact]
    public void A_grain_call_inside_a_recorded_trace_is_recorded() =>
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(Recorded, "ILayerGrain/Search"));

    [Fact]
    public void A_span_under_a_parent_that_was_not_recorded_is_dropped() =>
        Assert.Equal(SamplingDecision.Drop, Decide(NotRecorded, FqSpans.Trial));

    [Fact]
    public void Progress_reports_are_dropped_even_inside_a_recorded_trace() =>
        Assert.Equal(SamplingDecision.Drop, Decide(Recorded, "ISweepGrain/ReportProgress"));
}

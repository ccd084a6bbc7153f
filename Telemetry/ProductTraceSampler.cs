using OpenTelemetry.Trace;

namespace FocusedQuantization.Telemetry;

/// <summary>
/// Keeps the traces the product starts and drops Orleans' own roots. Grain timers, reminders, status polling and
/// progress reports call grains with no product span around them; recorded, they would be thousands of tiny traces
/// (a sweep re-ensures its running trials every 2 s). So a root span is kept only when it is a product span (fq.*),
/// progress reports are dropped everywhere, and every other span follows its parent's sampling decision.
/// </summary>
public sealed class ProductTraceSampler : Sampler
{
    /// <summary>Grain methods called per training batch: not worth a span each.</summary>
    private static readonly string[] QuietMethods = ["/ReportProgress", ".ReportProgress", "/TrialProgress", ".TrialProgress"];

    /// <summary>Creates the sampler.</summary>
    public ProductTraceSampler() => Description = nameof(ProductTraceSampler);

    /// <inheritdoc />
    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var name = samplingParameters.Name ?? "";
        if (QuietMethods.Any(m => name.EndsWith(m, StringComparison.Ordinal))) return new SamplingResult(SamplingDecision.Drop);
        var parent = samplingParameters.ParentContext;
        if (parent.TraceId == default)
            return new SamplingResult(name.StartsWith("fq.", StringComparison.Ordinal) ? SamplingDecision.RecordAndSample : SamplingDecision.Drop);
        return new SamplingResult(parent.TraceFlags.HasFlag(System.Diagnostics.ActivityTraceFlags.Recorded)
            ? SamplingDecision.RecordAndSample
            : SamplingDecision.Drop);
    }
}

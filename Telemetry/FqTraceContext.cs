using System.Diagnostics;

namespace FocusedQuantization.Telemetry;

/// <summary>
/// Keeps a span's context as a W3C traceparent string, so that work started later (a grain timer tick, a new
/// activation after a silo restart) can start its spans under it, where no caller context flows.
/// </summary>
public static class FqTraceContext
{
    /// <summary>
    /// Orleans RequestContext key under which a caller hands its callee a traceparent to start under, when the call itself
    /// carries no span (a timer tick's call is traced as a root, which the sampler drops).
    /// </summary>
    public const string RequestContextKey = "fq.traceparent";

    /// <summary>The traceparent of <paramref name="activity"/> (W3C ids only), or null.</summary>
    public static string? Capture(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C } ? activity.Id : null;

    /// <summary>The context a traceparent names, or default when it is null or malformed.</summary>
    public static ActivityContext Parse(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, isRemote: true, out var context) ? context : default;

    /// <summary>
    /// Starts a product span under <paramref name="traceParent"/> when it parses, else under the current span (or as a root).
    /// Null when nobody listens.
    /// </summary>
    public static Activity? StartUnder(string name, string? traceParent, ActivityKind kind = ActivityKind.Internal)
    {
        var parent = Parse(traceParent);
        return parent == default
            ? FqTelemetry.Source.StartActivity(name, kind)
            : FqTelemetry.Source.StartActivity(name, kind, parent);
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FocusedQuantization.Telemetry;

/// <summary>The product's one ActivitySource and one Meter, and the Orleans sources every host subscribes to.</summary>
public static class FqTelemetry
{
    /// <summary>Name of the product's ActivitySource and Meter.</summary>
    public const string SourceName = "FocusedQuantization";

    /// <summary>Orleans' source of application grain-call spans (its Runtime source is left out: it is very chatty).</summary>
    public const string OrleansApplicationSource = "Microsoft.Orleans.Application";

    /// <summary>Orleans' meter (request latency, activations, timeouts).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Default service.name of a `fq silo` process.</summary>
    public const string SiloServiceName = "fq-silo";

    /// <summary>Default service.name of the fq command-line process (client, or host of the embedded silo).</summary>
    public const string ClientServiceName = "fq";

    /// <summary>Default service.name of the standalone tracker.</summary>
    public const string TrackerServiceName = "fq-tracker";

    /// <summary>Starts the product's spans.</summary>
    public static ActivitySource Source { get; } = new(SourceName, typeof(FqTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Holds the product's instruments (<see cref="FqMetrics"/>).</summary>
    public static Meter Meter { get; } = new(SourceName, typeof(FqTelemetry).Assembly.GetName().Version?.ToString());
}

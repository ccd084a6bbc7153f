using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FocusedQuantization.Telemetry;

/// <summary>How a host exports its telemetry; see <see cref="TelemetryServiceCollectionExtensions.AddFqTelemetry"/>.</summary>
public sealed class FqTelemetryOptions
{
    /// <summary>Environment variable naming the OTLP collector (e.g. http://127.0.0.1:4317).</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Environment variable overriding the service name.</summary>
    public const string ServiceNameVariable = "OTEL_SERVICE_NAME";

    /// <summary>service.name. Default: OTEL_SERVICE_NAME if set, else the host's default name.</summary>
    public string ServiceName { get; set; } = "";

    /// <summary>service.instance.id. Default: "MACHINE/PID", which tells apart the silos of one machine.</summary>
    public string ServiceInstanceId { get; set; } = $"{Environment.MachineName}/{Environment.ProcessId}";

    /// <summary>
    /// The OTLP collector. Default: OTEL_EXPORTER_OTLP_ENDPOINT if set (the exporter then also honours the other OTEL_*
    /// variables, such as OTEL_EXPORTER_OTLP_PROTOCOL), else null: no exporter and no OpenTelemetry at all.
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>More tracing setup (an in-memory exporter in tests). Default: null. Setting it turns telemetry on.</summary>
    public Action<TracerProviderBuilder>? ConfigureTracing { get; set; }

    /// <summary>More metrics setup (an in-memory exporter in tests). Default: null. Setting it turns telemetry on.</summary>
    public Action<MeterProviderBuilder>? ConfigureMetrics { get; set; }

    /// <summary>True when something would receive the telemetry: an OTLP endpoint or extra setup.</summary>
    public bool IsEnabled => OtlpEndpoint is not null || ConfigureTracing is not null || ConfigureMetrics is not null;
}

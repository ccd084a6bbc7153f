using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FocusedQuantization.Telemetry;

/// <summary>The OpenTelemetry wiring every fq host shares: silos, the fq process, the external client, the tracker.</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Traces the product's spans and Orleans' application grain calls, measures the product's meter and Orleans', and
    /// exports them (with logs) over OTLP, as service <paramref name="defaultServiceName"/> unless OTEL_SERVICE_NAME
    /// says otherwise. Only when OTEL_EXPORTER_OTLP_ENDPOINT is set (or <paramref name="configure"/> adds an exporter):
    /// otherwise nothing is registered, so nothing listens and nothing slows down. A second call on the same services
    /// does nothing, so a host's first caller chooses the name.
    /// </summary>
    public static IServiceCollection AddFqTelemetry(this IServiceCollection services, string defaultServiceName,
        Action<FqTelemetryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(defaultServiceName);
        if (services.Any(d => d.ServiceType == typeof(FqTelemetryOptions))) return services;

        var options = new FqTelemetryOptions
        {
            ServiceName = NonBlank(Environment.GetEnvironmentVariable(FqTelemetryOptions.ServiceNameVariable)) ?? defaultServiceName,
            OtlpEndpoint = OtlpEndpointFromEnvironment(),
        };
        configure?.Invoke(options);
        services.AddSingleton(options);
        if (!options.IsEnabled) return services;

        var otlp = options.OtlpEndpoint is not null;
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(options.ServiceName, serviceInstanceId: options.ServiceInstanceId, autoGenerateServiceInstanceId: false))
            .WithTracing(t =>
            {
                t.SetSampler(new ProductTraceSampler())
                    .AddSource(FqTelemetry.SourceName, FqTelemetry.OrleansApplicationSource);
                if (otlp) t.AddOtlpExporter(o => o.Endpoint = options.OtlpEndpoint!);
                options.ConfigureTracing?.Invoke(t);
            })
            .WithMetrics(m =>
            {
                m.AddMeter(FqTelemetry.SourceName, FqTelemetry.OrleansMeter);
                if (otlp) m.AddOtlpExporter(o => o.Endpoint = options.OtlpEndpoint!);
                options.ConfigureMetrics?.Invoke(m);
            });
        if (otlp) services.AddLogging(l => l.AddOpenTelemetry(o => o.AddOtlpExporter(e => e.Endpoint = options.OtlpEndpoint!)));
        return services;
    }

    private static Uri? OtlpEndpointFromEnvironment()
    {
        var text = NonBlank(Environment.GetEnvironmentVariable(FqTelemetryOptions.OtlpEndpointVariable));
        if (text is null) return null;
        return Uri.TryCreate(text, UriKind.Absolute, out var uri)
            ? uri
            : throw new ArgumentException(
                $"{FqTelemetryOptions.OtlpEndpointVariable} is '{text}', which is not an absolute URL; set it to the collector, e.g. http://127.0.0.1:4317, or unset it.");
    }

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

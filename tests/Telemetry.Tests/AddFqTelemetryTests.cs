using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace FocusedQuantization.Telemetry.Tests;

[Collection(ListenerCollection.Name)]
public sealed class AddFqTelemetryTests
{
    [Fact]
    public void Without_an_otlp_endpoint_nothing_is_registered_so_nothing_listens()
    {
        Assert.SkipWhen(Environment.GetEnvironmentVariable(FqTelemetryOptions.OtlpEndpointVariable) is { Length: > 0 },
            "OTEL_EXPORTER_OTLP_ENDPOINT is set in this environment.");
        using var services = new ServiceCollection().AddFqTelemetry("fq-test").BuildServiceProvider();

        Assert.Null(services.GetService<TracerProvider>());
        Assert.False(services.GetRequiredService<FqTelemetryOptions>().IsEnabled);
    }

    [Fact]
    public async Task An_exported_product_span_carries_the_service_name_and_instance_and_orleans_roots_are_left_out()
    {
        var exported = new List<Activity>();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddFqTelemetry("fq-test", o =>
        {
            o.ServiceInstanceId = "instance-7";
            o.ConfigureTracing = t => t.AddInMemoryExporter(exported);
        });
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        using var orleans = new ActivitySource(FqTelemetry.OrleansApplicationSource);

        using (var launch = FqTelemetry.Source.StartActivity(FqSpans.Launch))
        {
            using var call = orleans.StartActivity("ISweepGrain/Launch", ActivityKind.Client);
        }
        using (orleans.StartActivity("ITrialGrain/Start", ActivityKind.Client))
        {
            // A timer tick's call: a root that is not the product's.
        }
        var provider = host.Services.GetRequiredService<TracerProvider>();
        provider.ForceFlush();

        Assert.Equal([FqSpans.Launch, "ISweepGrain/Launch"], exported.Select(a => a.DisplayName).Order(StringComparer.Ordinal).Reverse());
        var resource = provider.GetResource().Attributes.ToDictionary(a => a.Key, a => a.Value);
        Assert.Equal("fq-test", resource["service.name"]);
        Assert.Equal("instance-7", resource["service.instance.id"]);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public void The_first_caller_names_the_service_and_later_calls_change_nothing()
    {
        var services = new ServiceCollection()
            .AddFqTelemetry("fq", o => o.ConfigureTracing = _ => { })
            .AddFqTelemetry("fq-silo", o => o.ConfigureTracing = _ => { });

        Assert.Single(services, d => d.ServiceType == typeof(FqTelemetryOptions));
        using var provider = services.BuildServiceProvider();
        Assert.Equal("fq", provider.GetRequiredService<FqTelemetryOptions>().ServiceName);
    }
}

using System.Globalization;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;

namespace FocusedQuantization.Silo.Tests.Support;

/// <summary>
/// The standalone Aspire dashboard (from the NuGet package the test project restores) on free loopback ports, without
/// login: an OTLP/gRPC receiver whose telemetry the tests read back as OTLP JSON from /api/telemetry. Killed on dispose.
/// </summary>
public sealed class AspireDashboard : IDisposable
{
    private readonly ChildProcess _process;
    private readonly HttpClient _http;

    private AspireDashboard(ChildProcess process, int uiPort, int otlpPort)
    {
        _process = process;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{uiPort.ToString(CultureInfo.InvariantCulture)}/") };
        OtlpEndpoint = $"http://127.0.0.1:{otlpPort.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>What to put in OTEL_EXPORTER_OTLP_ENDPOINT.</summary>
    public string OtlpEndpoint { get; }

    /// <summary>The dashboard's output, for failure messages.</summary>
    public string Output => _process.Output;

    /// <summary>The dashboard binary the build recorded ($(AspireDashboardPath)).</summary>
    public static string BinaryPath =>
        typeof(AspireDashboard).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "AspireDashboard").Value ?? "";

    public static async Task<AspireDashboard> StartAsync()
    {
        var ports = FreePorts.Take(2);
        var process = ChildProcess.Start("aspire-dashboard", BinaryPath, [],
            line => line.Contains("OTLP/gRPC listening on", StringComparison.Ordinal),
            new Dictionary<string, string?>
            {
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ports[0].ToString(CultureInfo.InvariantCulture)}",
                ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{ports[1].ToString(CultureInfo.InvariantCulture)}",
                ["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true",
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = null,
            });
        try
        {
            await process.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            process.Dispose();
            throw;
        }
        return new AspireDashboard(process, ports[0], ports[1]);
    }

    /// <summary>Every span the dashboard holds, flattened from its OTLP JSON.</summary>
    public async Task<IReadOnlyList<ReceivedSpan>> SpansAsync(CancellationToken cancellationToken)
    {
        using var document = await _http.GetFromJsonAsync<JsonDocument>("api/telemetry/traces", cancellationToken)
            ?? throw new InvalidOperationException("The dashboard answered /api/telemetry/spans with nothing.");
        var spans = new List<ReceivedSpan>();
        foreach (var resource in document.RootElement.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var resourceAttributes = Attributes(resource.GetProperty("resource"));
            foreach (var scope in resource.GetProperty("scopeSpans").EnumerateArray())
            foreach (var span in scope.GetProperty("spans").EnumerateArray())
            {
                spans.Add(new ReceivedSpan(
                    span.GetProperty("traceId").GetString()!,
                    span.GetProperty("spanId").GetString()!,
                    span.TryGetProperty("parentSpanId", out var parent) ? parent.GetString() : null,
                    span.GetProperty("name").GetString()!,
                    resourceAttributes.GetValueOrDefault("service.name") ?? "",
                    resourceAttributes.GetValueOrDefault("service.instance.id") ?? "",
                    Attributes(span)));
            }
        }
        return spans;
    }

    public void Dispose()
    {
        _http.Dispose();
        _process.Dispose();
    }

    private static Dictionary<string, string> Attributes(JsonElement element)
    {
        var attributes = new Dictionary<string, string>();
        if (!element.TryGetProperty("attributes", out var list)) return attributes;
        foreach (var attribute in list.EnumerateArray())
        {
            var value = attribute.GetProperty("value");
            // OTLP JSON: one property per type (stringValue, intValue, doubleValue, boolValue, arrayValue).
            foreach (var typed in value.EnumerateObject())
                attributes[attribute.GetProperty("key").GetString()!] = typed.Value.ValueKind == JsonValueKind.String ? typed.Value.GetString()! : typed.Value.GetRawText();
        }
        return attributes;
    }
}

/// <summary>One span as the dashboard received it, with its resource's service name and instance.</summary>
public sealed record ReceivedSpan(
    string TraceId, string SpanId, string? ParentSpanId, string Name, string Service, string Instance, IReadOnlyDictionary<string, string> Attributes);

using System.CommandLine;
using System.Globalization;
using FocusedQuantization.Silo;
using FocusedQuantization.Telemetry;
using FocusedQuantization.Tracking;
using FocusedQuantization.Tracking.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FocusedQuantization.Client.Cli;

/// <summary>`fq silo`: runs one silo of a cluster until Ctrl-C or SIGTERM; the one silo process there is.</summary>
public static class SiloCommand
{
    public static Command Create()
    {
        var cluster = new Option<string?>("--cluster")
        {
            Description = "Redis server of the cluster to join, redis://HOST:PORT. Without it the silo runs embedded: localhost "
                + "clustering, grain state and reminders in a SQLite file in the state folder.",
        };
        var siloPort = new Option<int?>("--silo-port") { Description = "Port for silo-to-silo traffic. Default: 11111." };
        var gatewayPort = new Option<int?>("--gateway-port") { Description = "Port clients connect to. Default: 30000." };
        var primaryPort = new Option<int?>("--primary-silo-port")
        {
            Description = "Embedded only: silo port of the first silo on this machine, which this one joins. Default: this silo is the first.",
        };
        var state = new Option<string?>("--state")
        {
            Description = $"State folder (SQLite file of an embedded silo, checkpoints). Default: ${FqStateFolder.EnvironmentVariable} if set, else ./{FqStateFolder.DefaultFolder}.",
        };
        var dashboardPort = new Option<int?>("--dashboard-port")
        {
            Description = "Serve the Orleans dashboard (silos, grains, calls) at http://127.0.0.1:PORT/. Default: no dashboard.",
        };
        var serviceId = new Option<string?>("--service-id") { Description = "Service identity, shared by every silo and client. Default: fq." };
        var clusterId = new Option<string?>("--cluster-id") { Description = "Cluster identity, shared by every silo and client. Default: fq." };
        var command = new Command("silo",
            "Run a silo until Ctrl-C or SIGTERM; prints 'silo ADDRESS ready' once it serves calls. With --cluster it joins a "
            + "Redis-based cluster (Redis clustering, grain storage and reminders). Without it, it runs embedded on this machine: "
            + "localhost clustering on the given ports, grain state and reminders in the state folder's SQLite file, so a "
            + "restarted silo picks up where it stopped.")
        {
            cluster, siloPort, gatewayPort, primaryPort, state, dashboardPort, serviceId, clusterId,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            // The options under their names, over FQ_HOME and the other variables: the settings the hosting library binds.
            var configuration = FqConfiguration.Build(new Dictionary<string, string?>
            {
                ["cluster"] = parse.GetValue(cluster),
                ["silo-port"] = Text(parse.GetValue(siloPort)),
                ["gateway-port"] = Text(parse.GetValue(gatewayPort)),
                ["primary-silo-port"] = Text(parse.GetValue(primaryPort)),
                ["state"] = parse.GetValue(state),
                ["dashboard-port"] = Text(parse.GetValue(dashboardPort)),
                ["service-id"] = parse.GetValue(serviceId),
                ["cluster-id"] = parse.GetValue(clusterId),
            });
            return await RunAsync(SiloSettings.FromConfiguration(configuration), cancellationToken);
        });
        return command;
    }

    private static string? Text(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static async Task<int> RunAsync(SiloSettings settings, CancellationToken cancellationToken)
    {
        // Orleans logs a lot at Information; a silo's log should show trouble unless asked for more.
        using var host = SiloHost.Build(settings, FqTelemetry.SiloServiceName, withDefaults: true,
            builder => builder.Logging.SetMinimumLevel(Environment.GetEnvironmentVariable("FQ_DEBUG") == "1" ? LogLevel.Information : LogLevel.Warning));
        await host.StartAsync(cancellationToken);
        var address = host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        var where = settings.Mode == SiloMode.Cluster ? $"cluster {settings.ClusterAddress}" : $"embedded, state in {FqStateFolder.Resolve(settings.StateFolder)}";
        var dashboard = settings.DashboardPort is { } port ? $", dashboard http://127.0.0.1:{port}/" : "";
        Console.WriteLine($"silo {address} ready ({where}{dashboard})");
        Console.Out.Flush();
        // Returns on Ctrl-C, SIGTERM or the token, after stopping the silo gracefully.
        await host.WaitForShutdownAsync(cancellationToken);
        Console.WriteLine($"silo {address} stopped");
        // The host stopped, so its outbox drained what it could: say what is left and who sends it.
        if (host.Services.GetService<TrackingOutbox>() is { } outbox
            && QueuedTracking.Describe(outbox.PendingCount, outbox.DatabasePath, MlflowTrackingSettings.FromEnvironment()?.TrackingUri,
                settings.Mode == SiloMode.Embedded && settings.PrimarySiloPort is null
                    ? QueuedTracking.ByNextEmbeddedCommand
                    : QueuedTracking.BySiloOnSamePort(settings.SiloPort)) is { } line)
            Console.Error.WriteLine(line);
        return ExitCodes.Success;
    }
}

using System.Diagnostics;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Silo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FocusedQuantization.Benchmarks.Orchestration;

/// <summary>
/// One trial's layer searches (LeNet-5, every width 3..8, real Compression work) on one silo against two silos of one
/// cluster on this machine. Both silos share the state folder, as silos of a real cluster share FQ_HOME.
/// </summary>
public static class FanOut
{
    public static async Task RunAsync(string home)
    {
        var training = new TrainingSpec(1, 1, 64, 0.02, 3000, 1000, null);
        var baseline = new BaselineRequest("lenet5", "fashion-mnist", 1, training);
        string prunedId;
        IReadOnlyList<string> layers = ["conv1.weight", "conv2.weight", "fc1.weight", "fc2.weight"];

        var one = await StartAsync(home, 1);
        try
        {
            var client = one[0].Services.GetRequiredService<IClusterClient>();
            var pruned = await client.GetGrain<IModelGrain>("fanout").PrunedAsync(new PruneRequest(baseline, 0.9, null));
            prunedId = pruned.Id;
            var seconds = await SearchAsync(client, prunedId, layers, training, seed: 11);
            Console.WriteLine($"fan-out: one trial's {layers.Count} layer searches (widths 3..8): 1 silo {seconds:F2} s");
        }
        finally
        {
            await StopAsync(one);
        }

        var two = await StartAsync(home, 2);
        try
        {
            var client = two[0].Services.GetRequiredService<IClusterClient>();
            var seconds = await SearchAsync(client, prunedId, layers, training, seed: 12);
            Console.WriteLine($"fan-out: the same searches on 2 silos of one cluster (same 2 cores): {seconds:F2} s");
        }
        finally
        {
            await StopAsync(two);
        }
    }

    private static async Task<double> SearchAsync(IClusterClient client, string prunedId, IReadOnlyList<string> layers, TrainingSpec training, int seed)
    {
        var clock = Stopwatch.StartNew();
        var answers = await Task.WhenAll(layers.Select(layer =>
        {
            var request = new LayerSearchRequest(prunedId, "lenet5", "fashion-mnist", layer, [3, 4, 5, 6, 7, 8], 2.0, null, CodingScheme.Arithmetic, seed, training);
            return client.GetGrain<ILayerGrain>($"{prunedId}/{layer}/{seed}").SearchAsync(request);
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"  answered by {string.Join(", ", answers.GroupBy(a => a.Silo).Select(g => $"{g.Key}: {g.Count()}"))}");
        return seconds;
    }

    private static async Task<IHost[]> StartAsync(string home, int silos)
    {
        var hosts = new List<IHost>();
        int? primary = null;
        for (var i = 0; i < silos; i++)
        {
            var ports = LoopbackPorts.Free(2);
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.AddFqSilo(new SiloSettings { StateFolder = home, SiloPort = ports[0], GatewayPort = ports[1], PrimarySiloPort = primary });
            var host = builder.Build();
            await host.StartAsync();
            hosts.Add(host);
            primary ??= ports[0];
        }
        return [.. hosts];
    }

    private static async Task StopAsync(IHost[] hosts)
    {
        foreach (var host in hosts.Reverse())
        {
            await host.StopAsync();
            host.Dispose();
        }
    }
}

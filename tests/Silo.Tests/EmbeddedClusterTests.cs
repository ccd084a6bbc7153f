using FocusedQuantization.Grains.Interfaces;
using FocusedQuantization.Silo.Tests.Grains;
using FocusedQuantization.Silo.Tests.Support;

namespace FocusedQuantization.Silo.Tests;

public sealed class EmbeddedClusterTests : IDisposable
{
    private static readonly TimeSpan TickWait = TimeSpan.FromSeconds(30);

    private readonly TempFolder _state = new();

    public void Dispose() => _state.Dispose();

    // Reminders are normally at least a minute apart; a test cannot wait that long.
    private Task<EmbeddedCluster> StartAsync() =>
        EmbeddedCluster.StartAsync(_state.Path,
            silo => silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1)),
            TestContext.Current.CancellationToken);

    [Fact]
    public async Task Grain_state_is_kept_in_the_state_folder_and_survives_a_full_stop_and_start()
    {
        await using (var first = await StartAsync())
        {
            Assert.Equal(5, await first.Grains.GetGrain<IDurableCounterGrain>("kept").Add(5));
        }

        await using var second = await StartAsync();
        var value = await second.Grains.GetGrain<IDurableCounterGrain>("kept").Add(2);

        Assert.Equal(7, value);
        Assert.True(File.Exists(Path.Combine(_state.Path, FqStateFolder.DatabaseFileName)));
    }

    [Fact]
    public async Task A_reminder_registered_before_a_stop_fires_after_the_next_start()
    {
        await using (var first = await StartAsync())
        {
            // Due well after this silo stops, so the only silo that can deliver the tick is the next one.
            await first.Grains.GetGrain<IDurableCounterGrain>("ticking").StartTicking(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(2));
        }

        var tick = ReminderProbe.NextTick("ticking");
        await using var second = await StartAsync();
        var deliveredBy = await tick.WaitAsync(TickWait, TestContext.Current.CancellationToken);

        Assert.Equal(second.SiloAddress, deliveredBy);
        Assert.True(await second.Grains.GetGrain<IDurableCounterGrain>("ticking").GetTicks() >= 1);
    }

    [Fact]
    public async Task The_embedded_silo_serves_the_fq_grains_and_names_its_state_folder()
    {
        await using var cluster = await FqCluster.ConnectAsync(null, _state.Path, cancellationToken: TestContext.Current.CancellationToken);

        var info = await cluster.Grains.GetGrain<IClusterInfoGrain>(0).GetSiloInfo();

        Assert.Equal("fq", info.ClusterId);
        Assert.Contains(_state.Path, cluster.Description);
    }
}

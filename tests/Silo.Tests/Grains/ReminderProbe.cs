using System.Collections.Concurrent;

namespace FocusedQuantization.Silo.Tests.Grains;

/// <summary>Lets a test await a reminder tick of a grain hosted in this process, and learn which silo delivered it.</summary>
public static class ReminderProbe
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource<SiloAddress>> Waiters = new();

    /// <summary>Starts waiting for the next tick of the grain with this key (a previous wait is forgotten).</summary>
    public static Task<SiloAddress> NextTick(string grainKey)
    {
        var waiter = new TaskCompletionSource<SiloAddress>(TaskCreationOptions.RunContinuationsAsynchronously);
        Waiters[grainKey] = waiter;
        return waiter.Task;
    }

    internal static void Ticked(string grainKey, SiloAddress silo)
    {
        if (Waiters.TryGetValue(grainKey, out var waiter)) waiter.TrySetResult(silo);
    }
}

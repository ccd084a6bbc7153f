using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace FocusedQuantization.Silo.Tests.Support;

/// <summary>Places the activation a call creates on a chosen silo, so a test can set who holds what before it kills one.</summary>
public static class PlacementHint
{
    /// <summary>Makes <paramref name="call"/> with a placement hint for <paramref name="silo"/>.</summary>
    public static async Task<T> On<T>(SiloAddress silo, Func<Task<T>> call)
    {
        // The request context flows with this async call only, so a call left running keeps its hint.
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        try
        {
            return await call();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    /// <summary>Makes <paramref name="call"/> with a placement hint for <paramref name="silo"/>.</summary>
    public static async Task On(SiloAddress silo, Func<Task> call) => await On(silo, async () => { await call(); return true; });
}

namespace FocusedQuantization.Silo.Tests.Grains;

/// <summary>A test grain with persistent state and a reminder, to show both outlive the silo.</summary>
[Alias("fq.tests.IDurableCounterGrain")]
public interface IDurableCounterGrain : IGrainWithStringKey
{
    [Alias("Add")]
    Task<int> Add(int amount);

    [Alias("Get")]
    Task<int> Get();

    [Alias("GetTicks")]
    Task<int> GetTicks();

    [Alias("StartTicking")]
    Task StartTicking(TimeSpan dueTime, TimeSpan period);
}

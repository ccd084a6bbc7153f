namespace FocusedQuantization.Silo.Tests.Grains;

public sealed class DurableCounterGrain(
    [PersistentState("counter")] IPersistentState<DurableCounterState> state,
    ILocalSiloDetails silo) : Grain, IDurableCounterGrain, IRemindable
{
    public async Task<int> Add(int amount)
    {
        state.State.Value += amount;
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public Task<int> Get() => Task.FromResult(state.State.Value);

    public Task<int> GetTicks() => Task.FromResult(state.State.Ticks);

    public async Task StartTicking(TimeSpan dueTime, TimeSpan period) =>
        await this.RegisterOrUpdateReminder("tick", dueTime, period);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        state.State.Ticks++;
        await state.WriteStateAsync();
        ReminderProbe.Ticked(this.GetPrimaryKeyString(), silo.SiloAddress);
    }
}

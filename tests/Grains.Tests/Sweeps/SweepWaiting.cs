using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Grains.Tests.Sweeps;

/// <summary>Polls a sweep's status until a condition holds, failing with every trial's state on timeout.</summary>
internal static class SweepWaiting
{
    /// <summary>Waits for the sweep to end; returns its status and every trial.</summary>
    public static async Task<(SweepStatus Status, IReadOnlyList<TrialStatus> Trials)> EndedAsync(ISweepGrain sweep, TimeSpan timeout)
    {
        var status = await UntilAsync(sweep, s => s.State != SweepState.Running, timeout);
        return (status, await sweep.AllTrialsAsync());
    }

    public static async Task<SweepStatus> UntilAsync(ISweepGrain sweep, Func<SweepStatus, bool> condition, TimeSpan timeout)
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancellation.CancelAfter(timeout);
        while (true)
        {
            var status = await sweep.GetStatus();
            if (condition(status)) return status;
            try
            {
                await Task.Delay(200, cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                var trials = await sweep.AllTrialsAsync();
                var states = string.Join(", ", trials.Select(t => $"{t.TrialId}={t.State}/{t.Stage}/{t.Error}"));
                throw new TimeoutException($"The sweep did not reach the condition in {timeout}: {status.State}; {states}");
            }
        }
    }
}

using FocusedQuantization.Grains.Execution;
using Microsoft.Extensions.Options;
using Xunit;

namespace FocusedQuantization.Grains.Tests.Execution;

/// <summary>
/// A silo runs at most one job per CUDA device and CPU work beside it. No GPU here: the device count is faked and
/// the jobs never touch torch's CUDA, only the slots.
/// </summary>
public sealed class GpuSchedulingTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static WorkerPool Pool(int workers, int gpus) => new(Options.Create(new FqGrainsOptions { Workers = workers, GpuDevices = gpus }));

    [Fact]
    public async Task One_job_per_device_a_second_waits_for_the_first_and_cpu_jobs_run_beside_them()
    {
        using var pool = Pool(workers: 1, gpus: 1);
        var token = TestContext.Current.CancellationToken;
        using var releaseFirst = new ManualResetEventSlim();
        var firstStarted = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = pool.RunOnDeviceAsync("cuda", (device, _) =>
        {
            firstStarted.SetResult(device);
            releaseFirst.Wait(Wait);
            return device;
        }, token);
        Assert.Equal("cuda:0", await firstStarted.Task.WaitAsync(Wait, token));

        var secondStarted = false;
        var second = pool.RunOnDeviceAsync("cuda:0", (device, _) => { secondStarted = true; return device; }, token);
        // The one CPU worker slot is free: CPU work runs while the GPU is busy.
        Assert.Equal("cpu", await pool.RunOnDeviceAsync(null, (device, _) => device, token).WaitAsync(Wait, token));
        Assert.False(secondStarted);
        Assert.Equal(1, pool.Gpus.Busy);

        releaseFirst.Set();
        Assert.Equal("cuda:0", await first.WaitAsync(Wait, token));
        Assert.Equal("cuda:0", await second.WaitAsync(Wait, token));
        Assert.Equal(0, pool.Gpus.Busy);
    }

    [Fact]
    public async Task Cuda_takes_the_first_free_device_and_cuda_n_waits_for_its_own()
    {
        var slots = new GpuSlots(2);
        var token = TestContext.Current.CancellationToken;
        Assert.Equal(0, await slots.AcquireAsync(null, token));
        Assert.Equal(1, await slots.AcquireAsync(null, token));
        var wantsOne = slots.AcquireAsync(1, token);
        var wantsAny = slots.AcquireAsync(null, token);
        Assert.False(wantsOne.IsCompleted);
        Assert.False(wantsAny.IsCompleted);

        // Device 0 frees: the first waiter wants device 1, so the one that takes any device gets it.
        slots.Release(0);
        Assert.Equal(0, await wantsAny.WaitAsync(Wait, token));
        Assert.False(wantsOne.IsCompleted);
        slots.Release(1);
        Assert.Equal(1, await wantsOne.WaitAsync(Wait, token));
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue_and_the_device_goes_to_the_next()
    {
        var slots = new GpuSlots(1);
        var token = TestContext.Current.CancellationToken;
        Assert.Equal(0, await slots.AcquireAsync(0, token));
        using var cancel = new CancellationTokenSource();
        var cancelled = slots.AcquireAsync(0, cancel.Token);
        var next = slots.AcquireAsync(0, token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        slots.Release(0);
        Assert.Equal(0, await next.WaitAsync(Wait, token));
        Assert.Equal(1, slots.Busy);
    }

    [Fact]
    public async Task Cuda_on_a_silo_without_a_gpu_or_beyond_its_devices_is_refused_at_once()
    {
        using var pool = Pool(workers: 1, gpus: 0);
        var token = TestContext.Current.CancellationToken;
        var none = await Assert.ThrowsAsync<ArgumentException>(() => pool.RunOnDeviceAsync("cuda", (d, _) => d, token));
        Assert.Contains("libtorch-cuda-12.8-linux-x64", none.Message);
        var beyond = await Assert.ThrowsAsync<ArgumentException>(() => new GpuSlots(2).AcquireAsync(2, token));
        Assert.Contains("cuda:2", beyond.Message);
    }
}

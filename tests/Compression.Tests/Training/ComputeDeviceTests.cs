using FocusedQuantization.Compression.Stages;
using FocusedQuantization.Compression.Training;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Training;

/// <summary>The device names, their part in checkpoint keys, and the refusal of CUDA a build or machine cannot give.</summary>
public sealed class ComputeDeviceTests
{
    [Theory]
    [InlineData(null, "cpu")]
    [InlineData("", "cpu")]
    [InlineData("CPU", "cpu")]
    [InlineData(" cuda ", "cuda")]
    [InlineData("cuda:0", "cuda:0")]
    [InlineData("CUDA:3", "cuda:3")]
    public void Devices_have_one_spelling(string? device, string canonical) => Assert.Equal(canonical, ComputeDevice.Normalize(device));

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    public void Other_devices_are_refused(string device) =>
        Assert.Contains("cpu, cuda or cuda:N", Assert.Throws<ArgumentException>(() => ComputeDevice.Normalize(device)).Message);

    [Fact]
    public void Cpu_keys_are_what_they_always_were_and_any_cuda_device_shares_one_key()
    {
        var cpu = new BaselineSpec("lenet5", "fashion-mnist", 1, 0.02, 64, 1);
        Assert.Equal(cpu.Id, (cpu with { Device = "cpu" }).Id);
        Assert.DoesNotContain("device", cpu.Canonical);
        var cuda = cpu with { Device = "cuda" };
        Assert.NotEqual(cpu.Id, cuda.Id);
        Assert.Equal(cuda.Id, (cpu with { Device = "cuda:1" }).Id);
        var prune = new PruneSpec(cpu, 0.9, null, 1, 1);
        Assert.NotEqual(prune.Id, (prune with { Baseline = cuda }).Id);
    }

    [Fact]
    public void Cuda_is_refused_without_devices_naming_the_package_and_beyond_the_devices_there_are()
    {
        ComputeDevice.EnsureAvailable("cpu", cudaDevices: 0);
        var none = Assert.Throws<ArgumentException>(() => ComputeDevice.EnsureAvailable("cuda", cudaDevices: 0));
        Assert.Contains("libtorch-cuda-12.8-linux-x64", none.Message);
        Assert.Contains("TorchSharp-cuda-linux", none.Message);
        ComputeDevice.EnsureAvailable("cuda:1", cudaDevices: 2);
        Assert.Contains("has 2", Assert.Throws<ArgumentException>(() => ComputeDevice.EnsureAvailable("cuda:2", cudaDevices: 2)).Message);
        // This machine: a CPU-only libtorch.
        Assert.Throws<ArgumentException>(() => ComputeDevice.EnsureAvailable("cuda"));
    }
}

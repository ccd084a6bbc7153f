using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Specs.Tests;

/// <summary>training.device: read as given, checked for its form, and CUDA refused on this CPU-only build before any work.</summary>
public sealed class DeviceSpecTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fq-spec-device-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private SweepSpec Load(string yaml)
    {
        var path = Path.Combine(_folder, "spec.yaml");
        File.WriteAllText(path, yaml + "space: { sparsity: 0.9 }\n");
        return SweepSpecLoader.Load(path);
    }

    [Fact]
    public void No_device_is_the_cpu_and_cpu_is_read_as_given()
    {
        Assert.Null(Load("model: lenet5\n").Training.Device);
        Assert.Equal("cpu", Load("training: { device: cpu }\n").Training.Device);
    }

    [Theory]
    [InlineData("cuda", "CPU-only libtorch")]
    [InlineData("cuda:1", "libtorch-cuda-12.8-linux-x64")]
    [InlineData("tpu", "cpu, cuda or cuda:N")]
    public void A_device_this_build_cannot_use_is_refused_naming_the_key(string device, string problem)
    {
        var error = Assert.Throws<SweepSpecException>(() => Load($"training: {{ device: \"{device}\" }}\n"));

        Assert.Equal("training.device", error.Key);
        Assert.Contains(problem, error.Message);
    }
}

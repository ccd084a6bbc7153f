using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Training;

/// <summary>
/// Where torch work runs: "cpu" (the default), "cuda" (any CUDA device; device 0 in one process) or "cuda:N". Models
/// are moved to the device, batches follow their model; everything that leaves torch (checkpoints, masks, .fqz files,
/// weight statistics) is read through the CPU, so files do not depend on the device.
/// </summary>
public static class ComputeDevice
{
    /// <summary>The default device.</summary>
    public const string Cpu = "cpu";

    /// <summary>The NuGet package this build's libtorch comes from (CPU only).</summary>
    public const string CpuPackage = "libtorch-cpu-linux-x64";

    /// <summary>What to install instead for CUDA, in the words of the error message and the README.</summary>
    public const string CudaPackages =
        "libtorch-cuda-12.8-linux-x64 (version 2.10.0, in place of libtorch-cpu-linux-x64 in Directory.Packages.props and Compression/Compression.csproj) " +
        "or TorchSharp-cuda-linux (version 0.107.0, in place of TorchSharp and libtorch-cpu-linux-x64)";

    /// <summary>
    /// The canonical spelling of <paramref name="device"/>: null or empty is "cpu"; "cpu", "cuda" and "cuda:N" (N &gt;= 0)
    /// are accepted in any case; anything else throws <see cref="ArgumentException"/>.
    /// </summary>
    public static string Normalize(string? device)
    {
        if (string.IsNullOrWhiteSpace(device)) return Cpu;
        var text = device.Trim().ToLowerInvariant();
        if (text is Cpu or "cuda") return text;
        if (text.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(text["cuda:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            return $"cuda:{index}";
        throw new ArgumentException($"The device must be cpu, cuda or cuda:N (N = 0, 1, ...), got '{device}'.");
    }

    /// <summary>Whether <paramref name="device"/> (any spelling <see cref="Normalize"/> takes) is the CPU.</summary>
    public static bool IsCpu(string? device) => Normalize(device) == Cpu;

    /// <summary>The CUDA index "cuda:N" names; null for "cuda" (any device) and for the CPU.</summary>
    public static int? CudaIndex(string? device)
    {
        var text = Normalize(device);
        return text.StartsWith("cuda:", StringComparison.Ordinal) ? int.Parse(text["cuda:".Length..], CultureInfo.InvariantCulture) : null;
    }

    /// <summary>
    /// The part of a device that shapes results, for checkpoint keys: null for the CPU (keys stay as they always were),
    /// "cuda" for any CUDA device (results do not depend on which one).
    /// </summary>
    public static string? KeyPart(string? device) => IsCpu(device) ? null : "cuda";

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when <paramref name="device"/> cannot be used by this process: CUDA
    /// asked for with a CPU-only libtorch (the message names the package to install), or a CUDA index beyond the
    /// devices there are. <paramref name="cudaDevices"/> stands in for torch's device count (tests).
    /// </summary>
    public static void EnsureAvailable(string? device, int? cudaDevices = null)
    {
        var text = Normalize(device);
        if (text == Cpu) return;
        var count = cudaDevices ?? (torch.cuda.is_available() ? torch.cuda.device_count() : 0);
        if (count == 0)
            throw new ArgumentException(
                $"--device {text} asks for CUDA, but this fq is built with a CPU-only libtorch ({CpuPackage}): torch.cuda.is_available() is false. " +
                $"To run on an NVIDIA GPU, build fq with {CudaPackages}, on a machine with the NVIDIA driver (see README, 'Running on a GPU'); or use --device cpu.");
        if (CudaIndex(text) is { } index && index >= count)
            throw new ArgumentException($"--device {text} asks for CUDA device {index}, but this machine has {count} (cuda:0 to cuda:{count - 1}).");
    }

    /// <summary>The torch device of <paramref name="device"/>; "cuda" is cuda:0.</summary>
    public static Device ToTorch(string? device)
    {
        var text = Normalize(device);
        return text == Cpu ? torch.CPU : new Device(DeviceType.CUDA, CudaIndex(text) ?? 0);
    }

    /// <summary>
    /// Moves <paramref name="model"/>'s parameters and buffers to <paramref name="device"/>; on the CPU (where models
    /// are made) nothing is done, so CPU runs are exactly what they were. Returns the model.
    /// </summary>
    public static T MoveTo<T>(T model, string? device) where T : nn.Module
    {
        ArgumentNullException.ThrowIfNull(model);
        if (IsCpu(device)) return model;
        var target = ToTorch(device);
        if (model is Models.TorchScriptNetwork script) script.MoveTo(target);
        else model.to(target);
        return model;
    }

    /// <summary>The device of <paramref name="model"/>'s first parameter (the CPU when it has none).</summary>
    public static Device Of(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var (_, parameter) in model.named_parameters()) return parameter.device;
        return torch.CPU;
    }

    /// <summary>
    /// <paramref name="tensor"/> on <paramref name="device"/>: the same tensor when it is there already (the CPU path
    /// adds no copy), else a copy there.
    /// </summary>
    public static Tensor On(Tensor tensor, Device device)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return device.type == DeviceType.CPU && tensor.device_type == DeviceType.CPU ? tensor : tensor.to(device);
    }
}

using System.Reflection;
using System.Runtime.InteropServices;
using TorchSharp;

namespace FocusedQuantization.Benchmarks.Report;

/// <summary>What the figures were measured on: CPU, cores, memory, OS, .NET and TorchSharp versions, and the load.</summary>
internal static class MachineInfo
{
    public static IReadOnlyList<(string Name, string Value)> Describe() =>
    [
        ("CPU", ProcField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString()),
        ("cores", Environment.ProcessorCount.ToString()),
        ("memory", ProcField("/proc/meminfo", "MemTotal") is { } kb ? $"{long.Parse(kb.Split(' ')[0]) / 1024.0 / 1024.0:F1} GiB" : "?"),
        ("OS", OsName()),
        (".NET", RuntimeInformation.FrameworkDescription),
        ("TorchSharp", typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
                       ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "?"),
        ("libtorch", TryLibTorchVersion()),
    ];

    /// <summary>The 1, 5 and 15 minute load averages (Linux), to judge how shared the machine was.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static string OsName()
    {
        var pretty = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?[12..].Trim('"')
            : null;
        return pretty is null ? RuntimeInformation.OSDescription : $"{pretty} ({RuntimeInformation.OSDescription})";
    }

    private static string TryLibTorchVersion()
    {
        try { return torch.__version__; }
        catch (Exception e) when (e is not OutOfMemoryException) { return "?"; }
    }

    private static string? ProcField(string path, string key)
    {
        if (!File.Exists(path)) return null;
        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line?[(line.IndexOf(':') + 1)..].Trim();
    }
}

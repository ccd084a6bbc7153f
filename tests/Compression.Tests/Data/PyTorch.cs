using System.Diagnostics;

namespace FocusedQuantization.Compression.Tests.Data;

/// <summary>Debian's python3-torch and python3-torchvision (installed by infra/setup.sh --tests), run by full path as a peer to compare with.</summary>
internal static class PyTorch
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<bool> Installed = new(() =>
    {
        if (!File.Exists(Python)) return false;
        try
        {
            var (code, _, _) = Run("import torch, torchvision", [], TimeSpan.FromMinutes(2));
            return code == 0;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or TimeoutException)
        {
            return false;
        }
    });

    /// <summary>Whether /usr/bin/python3 imports torch and torchvision.</summary>
    public static bool IsInstalled => Installed.Value;

    /// <summary>Why a test is skipped when they are missing.</summary>
    public const string Missing = "python3-torch and python3-torchvision are missing: run infra/setup.sh --tests.";

    /// <summary>Runs <paramref name="script"/> with <paramref name="args"/>; returns the exit code and what it printed.</summary>
    public static (int ExitCode, string Output, string Error) Run(string script, IReadOnlyList<string> args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // One thread: the tests share a small machine, and these scripts are tiny.
        start.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"python3 did not finish in {timeout}.");
        }
        return (process.ExitCode, output.Result, error.Result);
    }
}

using System.Diagnostics;
using System.Text;

namespace FocusedQuantization.Silo.Tests.Support;

/// <summary>A process the tests start, whose output is kept and watched for a line; killed with its children on dispose.</summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<string, bool> _isReadyLine;

    private ChildProcess(string name, ProcessStartInfo start, Func<string, bool> isReadyLine)
    {
        Name = name;
        _isReadyLine = isReadyLine;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException(
            $"{Name} exited with code {_process.ExitCode} before it was ready. Its output:\n{Output}"));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>
    /// Starts <paramref name="fileName"/>; <paramref name="isReadyLine"/> recognises the line that says it is ready;
    /// <paramref name="environment"/> variables are set (or, with a null value, removed) for the process only.
    /// </summary>
    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, Func<string, bool> isReadyLine,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(fileName);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }
        return new ChildProcess(name, start, isReadyLine);
    }

    /// <summary>Waits for the process to exit and returns its exit code; fails with its output if it takes too long.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout.TotalSeconds:F0} s. Its output:\n{Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>Waits for the ready line and returns it; fails with the process's output if it exits or takes too long.</summary>
    public async Task<string> WaitUntilReadyAsync(TimeSpan timeout)
    {
        try
        {
            return await _ready.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name} did not say it was ready within {timeout.TotalSeconds:F0} s. Its output:\n{Output}");
        }
    }

    /// <summary>Ends the process at once, as kill -9 does.</summary>
    public void KillNow()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        try
        {
            KillNow();
        }
        catch (InvalidOperationException)
        {
            // Never started, or already reaped.
        }
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        if (_isReadyLine(line)) _ready.TrySetResult(line);
    }
}

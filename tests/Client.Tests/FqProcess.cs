using System.Diagnostics;

namespace FocusedQuantization.Client.Tests;

/// <summary>Runs the built fq tool as a real process, as a user would, and captures what it says.</summary>
internal static class FqProcess
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Task<Result> RunAsync(params string[] args) => RunAsync(null, TimeSpan.FromMinutes(2), args);

    /// <summary>Runs fq to the end with FQ_HOME at <paramref name="home"/> (when given).</summary>
    public static Task<Result> RunAsync(string? home, TimeSpan timeout, params string[] args) => RunAsync(home, null, timeout, args);

    /// <summary>Runs fq to the end with FQ_HOME at <paramref name="home"/> (when given) and further environment variables.</summary>
    public static async Task<Result> RunAsync(string? home, IReadOnlyDictionary<string, string?>? environment, TimeSpan timeout, params string[] args)
    {
        using var process = Start(home, environment ?? new Dictionary<string, string?>(), args);
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"fq {string.Join(' ', args)} did not finish in {timeout}.");
        }
        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>Starts fq with redirected output; the caller reads it and disposes the process.</summary>
    public static Process Start(string? home, params string[] args) => Start(home, new Dictionary<string, string?>(), args);

    /// <summary>Starts fq with redirected output and the given variables set (null: removed); the caller reads it and disposes the process.</summary>
    public static Process Start(string? home, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "fq.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(tool);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["HOME"] = home ?? Path.GetTempPath();
        if (home is not null) start.Environment["FQ_HOME"] = home;
        foreach (var (name, value) in environment)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        return Process.Start(start)!;
    }

    /// <summary>Reads standard output until a line matches; fails with what was seen after <paramref name="timeout"/>.</summary>
    public static async Task WaitForLineAsync(Process process, Func<string, bool> match, TimeSpan timeout)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(timeout);
        var seen = new List<string>();
        try
        {
            while (await process.StandardOutput.ReadLineAsync(limit.Token) is { } line)
            {
                seen.Add(line);
                if (match(line)) return;
            }
        }
        catch (OperationCanceledException)
        {
        }
        throw new TimeoutException($"No matching line in {timeout}; saw:\n{string.Join('\n', seen.TakeLast(20))}\n{await process.StandardError.ReadToEndAsync()}");
    }
}

using FocusedQuantization.Compression.Pipeline;
using Spectre.Console;

namespace FocusedQuantization.Client.Cli;

/// <summary>Shows pipeline progress: live bars on a terminal, one line per stage change otherwise (logs, CI).</summary>
public static class PipelineProgressView
{
    public static async Task<T> RunAsync<T>(Func<IProgress<PipelineProgress>, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsOutputRedirected)
            return await work(new LineProgress(), cancellationToken);

        return await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                var progress = new SynchronousProgress<PipelineProgress>(p =>
                {
                    // A notice (a recovery from divergence) stays on screen above the bars instead of being overwritten.
                    if (p.Notice) AnsiConsole.MarkupLineInterpolated($"[yellow]{p.Stage}[/] {p.Detail}");
                    if (!tasks.TryGetValue(p.Stage, out var task))
                    {
                        foreach (var earlier in tasks.Values) Finish(earlier);
                        tasks[p.Stage] = task = context.AddTask(p.Stage, maxValue: 1.0);
                    }
                    task.Value = Math.Clamp(p.Fraction, 0, 1);
                    task.Description = $"{p.Stage,-9} {Markup.Escape(p.Detail)}";
                    if (p.Fraction >= 1) Finish(task);
                });
                var result = await work(progress, cancellationToken);
                foreach (var task in tasks.Values) Finish(task);
                return result;
            });
    }

    // A full bar does not stop a task's clock; StopTask does, so each stage shows its own duration.
    private static void Finish(ProgressTask task)
    {
        if (task.IsFinished && task.StopTime is not null) return;
        task.Value = task.MaxValue;
        task.StopTask();
    }

    /// <summary>Prints a line when a stage starts, at every tenth of it and for every notice, so redirected output stays short.</summary>
    private sealed class LineProgress : IProgress<PipelineProgress>
    {
        private string? _stage;
        private int _lastTenth = -1;

        public void Report(PipelineProgress value)
        {
            var tenth = (int)Math.Floor(Math.Clamp(value.Fraction, 0, 1) * 10);
            if (value.Stage == _stage && tenth == _lastTenth && !value.Notice) return;
            _stage = value.Stage;
            _lastTenth = tenth;
            Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {value.Stage,-9} {value.Fraction,4:P0}  {value.Detail}");
        }
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; the renderer wants the update at once and in order.</summary>
    private sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
    {
        private readonly Lock _gate = new();

        public void Report(T value)
        {
            lock (_gate) handler(value);
        }
    }
}

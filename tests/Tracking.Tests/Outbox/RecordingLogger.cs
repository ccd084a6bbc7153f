using Microsoft.Extensions.Logging;

namespace FocusedQuantization.Tracking.Tests.Outbox;

/// <summary>Keeps the warnings (and worse) logged to it, formatted, so a test can read what a user would.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly List<string> _warnings = [];

    public IReadOnlyList<string> Warnings
    {
        get
        {
            lock (_warnings) return _warnings.ToArray();
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        lock (_warnings) _warnings.Add(formatter(state, exception));
    }
}

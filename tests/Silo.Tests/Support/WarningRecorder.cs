using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FocusedQuantization.Silo.Tests.Support;

/// <summary>A logger provider for a silo's host that keeps the warnings of the categories under one prefix, formatted.</summary>
public sealed class WarningRecorder(string categoryPrefix) : ILoggerProvider
{
    private readonly List<string> _warnings = [];

    public IReadOnlyList<string> Warnings
    {
        get
        {
            lock (_warnings) return _warnings.ToArray();
        }
    }

    /// <summary>Adds this recorder to a silo's services.</summary>
    public void AddTo(ISiloBuilder silo) => silo.Services.AddLogging(logging => logging.AddProvider(this));

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName.StartsWith(categoryPrefix, StringComparison.Ordinal));

    public void Dispose()
    {
    }

    private sealed class Recorder(WarningRecorder owner, bool ours) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => ours && logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            lock (owner._warnings) owner._warnings.Add(formatter(state, exception));
        }
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FocusedQuantization.Silo;

/// <summary>
/// Shows the warnings of fq's own components in the silo this process hosts (a damaged file set aside, an empty state
/// file, a tracker refusing an operation) as one "fq: warning:" line each (on stderr for an fq command, see
/// <see cref="FqConnectionOptions.Notices"/>); the embedded host has no other logging, and Orleans' own chatter stays hidden.
/// </summary>
public sealed class WarningLines : ILoggerProvider
{
    private const string OwnPrefix = "FocusedQuantization.";

    // Trial and sweep failures are shown by the live view already.
    private const string GrainLifecyclePrefix = "FocusedQuantization.Grains.Sweeps.";

    private readonly TextWriter _writer;

    /// <summary>Writes to <paramref name="writer"/>, or to stderr when null.</summary>
    public WarningLines(TextWriter? writer = null) => _writer = writer ?? Console.Error;

    /// <summary>Adds the provider to a host's services.</summary>
    public static void AddTo(IServiceCollection services, TextWriter? writer = null) =>
        services.AddLogging(logging => logging.AddProvider(new WarningLines(writer)));

    /// <summary>Whether a category is one whose warnings are shown.</summary>
    public static bool Shows(string category) =>
        category.StartsWith(OwnPrefix, StringComparison.Ordinal) && !category.StartsWith(GrainLifecyclePrefix, StringComparison.Ordinal);

    public ILogger CreateLogger(string categoryName) => new Logger(Shows(categoryName) ? _writer : null);

    public void Dispose()
    {
    }

    private sealed class Logger(TextWriter? writer) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => writer is not null && logLevel >= LogLevel.Warning && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var message = formatter(state, exception);
            if (exception is not null) message += $" ({exception.Message})";
            lock (writer!) writer.WriteLine($"fq: warning: {message}");
        }
    }
}

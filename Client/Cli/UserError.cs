namespace FocusedQuantization.Client.Cli;

/// <summary>Decides which exceptions are the user's to fix (exit 2) and words them.</summary>
public static class UserError
{
    /// <summary>The message to show for a bad-input exception, or null when the exception is a failure of the tool.</summary>
    public static string? Describe(Exception exception) => exception switch
    {
        AggregateException { InnerExceptions.Count: 1 } aggregate => Describe(aggregate.InnerExceptions[0]),
        // Grain storage that cannot read a grain's state (Orleans wraps what the provider threw): the provider's words.
        Orleans.Runtime.OrleansException { InnerException: InvalidDataException unreadable } => unreadable.Message,
        ArgumentException argument => StripParameterSuffix(argument.Message),
        InvalidDataException invalid => invalid.Message,
        Compression.Data.UnreadableImageException unreadable => unreadable.Message,
        FileNotFoundException notFound => notFound.Message,
        DirectoryNotFoundException notFound => notFound.Message,
        _ => null,
    };

    // ArgumentException appends " (Parameter 'x')", which says nothing to a user of the command line.
    private static string StripParameterSuffix(string message)
    {
        var index = message.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
        return index > 0 ? message[..index] : message;
    }
}

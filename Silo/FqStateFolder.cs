namespace FocusedQuantization.Silo;

/// <summary>The folder where fq keeps what must outlive a process on this machine: the embedded silo's SQLite file, checkpoints.</summary>
public static class FqStateFolder
{
    /// <summary>Environment variable that moves the state folder: FQ_HOME.</summary>
    public const string EnvironmentVariable = "FQ_HOME";

    /// <summary>The folder used when neither an explicit folder nor FQ_HOME is given: ".fq" in the working folder.</summary>
    public const string DefaultFolder = ".fq";

    /// <summary>Name of the embedded silo's SQLite file (grain state and reminders) inside the state folder.</summary>
    public const string DatabaseFileName = "silo.db";

    /// <summary>The full path of the state folder: <paramref name="folder"/> if given, else FQ_HOME if set, else ./.fq.</summary>
    public static string Resolve(string? folder = null)
    {
        var chosen = !string.IsNullOrWhiteSpace(folder) ? folder
            : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } home ? home
            : DefaultFolder;
        return Path.GetFullPath(chosen);
    }

    /// <summary>The full path of the embedded silo's SQLite file in the resolved state folder.</summary>
    public static string DatabasePath(string? folder = null) => Path.Combine(Resolve(folder), DatabaseFileName);
}

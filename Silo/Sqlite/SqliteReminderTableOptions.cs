namespace FocusedQuantization.Silo.Sqlite;

/// <summary>Where <see cref="SqliteReminderTable"/> keeps reminders.</summary>
public sealed class SqliteReminderTableOptions
{
    /// <summary>
    /// Path of the SQLite database file; its folder is created if missing. It may be the grain state's file: the
    /// tables differ. Default: "fq-state.db" in the working folder.
    /// </summary>
    public string DatabasePath { get; set; } = "fq-state.db";
}

using Orleans.Storage;

namespace FocusedQuantization.Silo.Sqlite;

/// <summary>Where and how <see cref="SqliteGrainStorage"/> keeps grain state.</summary>
public sealed class SqliteGrainStorageOptions
{
    /// <summary>Path of the SQLite database file; its folder is created if missing. Default: "fq-state.db" in the working folder.</summary>
    public string DatabasePath { get; set; } = "fq-state.db";

    /// <summary>Turns state into bytes and back. Default: null, meaning the silo's default grain storage serializer (JSON).</summary>
    public IGrainStorageSerializer? GrainStorageSerializer { get; set; }
}

using Microsoft.Data.Sqlite;

namespace FocusedQuantization.Silo.Sqlite;

/// <summary>Opens connections to one SQLite file, creating the file, its folder and a schema on first use.</summary>
internal sealed class SqliteDatabase(string path, string schema)
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = Path.GetFullPath(path),
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        // Writers from other processes (a second silo on the same file) hold the lock briefly; wait rather than fail.
        DefaultTimeout = 30,
    }.ToString();

    private readonly SemaphoreSlim _initLock = new(1, 1);
    private bool _initialized;

    public string FullPath { get; } = Path.GetFullPath(path);

    /// <summary>Opens a connection, making sure the schema exists.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (!_initialized) await InitializeAsync(cancellationToken);
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // synchronous is per connection: in WAL mode NORMAL is durable against a killed process (only a power cut
        // can lose the last commits) and spares an fsync per grain-state write.
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous=NORMAL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }
        return connection;
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _initLock.WaitAsync(cancellationToken);
        try
        {
            if (_initialized) return;
            var folder = Path.GetDirectoryName(FullPath);
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            // WAL lets readers go on while one writer commits, and survives a killed process without a hot journal.
            command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; " + schema;
            await command.ExecuteNonQueryAsync(cancellationToken);
            _initialized = true;
        }
        finally
        {
            _initLock.Release();
        }
    }
}

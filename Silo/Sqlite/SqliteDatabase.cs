using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace FocusedQuantization.Silo.Sqlite;

/// <summary>
/// Opens connections to one SQLite file, creating the file, its folder and a schema on first use. The first open checks
/// the file: a damaged one is refused with an <see cref="InvalidDataException"/> that names it and says what to do, and
/// an empty file that was there before (not made by this open) is reported as a warning.
/// </summary>
internal sealed class SqliteDatabase(string path, string schema, ILogger? logger = null)
{
    private const int SqliteCorrupt = 11, SqliteNotADatabase = 26;

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

    /// <summary>Opens a connection, making sure the file is sound and the schema exists.</summary>
    /// <exception cref="InvalidDataException">The file is not a usable SQLite database.</exception>
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

    /// <summary>Whether <paramref name="exception"/> says the file is damaged or not a database at all.</summary>
    public static bool IsCorruption(SqliteException exception) => (exception.SqliteErrorCode & 0xFF) is SqliteCorrupt or SqliteNotADatabase;

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _initLock.WaitAsync(cancellationToken);
        try
        {
            if (_initialized) return;
            var folder = Path.GetDirectoryName(FullPath);
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
            var foundEmpty = IsEmptyWithoutLog(FullPath);
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);
            try
            {
                // Before anything writes: a damaged file found now is refused whole, instead of failing some later read.
                if (await QuickCheckAsync(connection, cancellationToken) is { } problem) throw Damaged(problem, null);
                await using var command = connection.CreateCommand();
                // WAL lets readers go on while one writer commits, and survives a killed process without a hot journal.
                command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; " + schema;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (SqliteException e) when (IsCorruption(e))
            {
                throw Damaged(e.Message, e);
            }
            // SQLite takes an empty file for a new database; fq never leaves one behind, so one found here lost its content.
            if (foundEmpty)
                logger?.LogWarning("{Database} was empty (0 bytes) when fq opened it, so the embedded silo starts with no sweeps; " +
                    "if sweeps ran in this state folder before, their state is gone (restore silo.db, with its silo.db-wal, from a backup to get it back)",
                    FullPath);
            _initialized = true;
        }
        finally
        {
            _initLock.Release();
        }
    }

    /// <summary>Null when PRAGMA quick_check finds the file sound, else what it found.</summary>
    private static async Task<string?> QuickCheckAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA quick_check(1);";
        var result = await check.ExecuteScalarAsync(cancellationToken) as string;
        return result == "ok" ? null : result ?? "quick_check returned nothing";
    }

    private InvalidDataException Damaged(string problem, Exception? inner) => new(
        $"{FullPath} is not a usable SQLite database ({problem.TrimEnd('.')}). It holds the embedded silo's grain state and reminders " +
        $"(the sweeps of this state folder). Move it aside, with its -wal and -shm files if any, to start with no sweeps " +
        $"(e.g. mv {FullPath} {FullPath}.damaged), or restore it from a backup.", inner);

    /// <summary>An existing 0-byte file whose write-ahead log holds nothing either (a killed process may leave its data only there).</summary>
    private static bool IsEmptyWithoutLog(string path)
    {
        var file = new FileInfo(path);
        var log = new FileInfo(path + "-wal");
        return file is { Exists: true, Length: 0 } && !(log.Exists && log.Length > 0);
    }
}

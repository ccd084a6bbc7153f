using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace FocusedQuantization.Tracking.Outbox;

/// <summary>
/// The outbox's SQLite file: operations in enqueue order with their delivery marks, and the run ids the keys resolved
/// to. One connection behind a lock: enqueues come from many threads but each is one short insert.
/// </summary>
internal sealed class OutboxStore : IDisposable
{
    private const int SqliteCorrupt = 11, SqliteNotADatabase = 26;
    private static readonly JsonSerializerOptions Json = MlflowClientFactory.JsonOptions;
    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();

    /// <summary>Opens (or creates) the file; a damaged one is set aside (see <see cref="SetAside"/>) and a new one started.</summary>
    public OutboxStore(string databasePath, TimeSpan keepDelivered)
    {
        var full = Path.GetFullPath(databasePath);
        if (Path.GetDirectoryName(full) is { } folder) Directory.CreateDirectory(folder);
        try
        {
            _connection = Open(full, keepDelivered);
        }
        catch (DamagedOutboxException damaged)
        {
            // Refusing to start would stop every command for the sake of tracking; the damaged file is kept, not deleted.
            SetAside = (MoveAside(full), damaged.Message);
            _connection = Open(full, keepDelivered);
        }
    }

    /// <summary>Where a damaged file found on opening was moved, and what was wrong with it; null when the file was sound.</summary>
    public (string Path, string Problem)? SetAside { get; }

    private static SqliteConnection Open(string path, TimeSpan keepDelivered)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            connection.Open();
            // Checked before anything writes to it: a truncated file can take a few statements before SQLite notices.
            using (var check = connection.CreateCommand())
            {
                check.CommandText = "PRAGMA quick_check(1);";
                var result = check.ExecuteScalar() as string;
                if (result != "ok") throw new DamagedOutboxException(result ?? "quick_check returned nothing");
            }
            // WAL with synchronous=NORMAL survives a killed process (not a power cut) and keeps an enqueue well under a millisecond.
            Execute(connection, """
                PRAGMA journal_mode=WAL;
                PRAGMA synchronous=NORMAL;
                PRAGMA busy_timeout=5000;
                CREATE TABLE IF NOT EXISTS operations(
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    run_key TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    enqueued_at INTEGER NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    delivered_at INTEGER NULL,
                    refused_at INTEGER NULL,
                    error TEXT NULL);
                CREATE INDEX IF NOT EXISTS operations_pending ON operations(seq) WHERE delivered_at IS NULL AND refused_at IS NULL;
                CREATE TABLE IF NOT EXISTS run_keys(
                    run_key TEXT PRIMARY KEY,
                    run_id TEXT NOT NULL,
                    experiment_id TEXT NOT NULL);
                """);
            Execute(connection, "DELETE FROM operations WHERE delivered_at IS NOT NULL AND delivered_at < $before;",
                ("$before", Now() - (long)keepDelivered.TotalMilliseconds));
            return connection;
        }
        catch (SqliteException e) when ((e.SqliteErrorCode & 0xFF) is SqliteCorrupt or SqliteNotADatabase)
        {
            connection.Dispose();
            throw new DamagedOutboxException(e.Message);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Renames the file to NAME.corrupt-TIMESTAMP, its write-ahead log with it (a log left behind would be replayed into
    /// the new file), and drops the shared-memory index, which SQLite rebuilds. Returns the new name.
    /// </summary>
    private static string MoveAside(string path)
    {
        var aside = $"{path}.corrupt-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}";
        for (var n = 2; File.Exists(aside); n++) aside = $"{path}.corrupt-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}-{n}";
        File.Move(path, aside);
        if (File.Exists(path + "-wal")) File.Move(path + "-wal", aside + "-wal");
        File.Delete(path + "-shm");
        return aside;
    }

    private sealed class DamagedOutboxException(string problem) : Exception(problem);

    public long Append(TrackingOperation operation)
    {
        var payload = JsonSerializer.Serialize(operation, Json);
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "INSERT INTO operations(run_key, payload, enqueued_at) VALUES ($key, $payload, $now) RETURNING seq;";
            command.Parameters.AddWithValue("$key", operation.RunKey);
            command.Parameters.AddWithValue("$payload", payload);
            command.Parameters.AddWithValue("$now", Now());
            return (long)command.ExecuteScalar()!;
        }
    }

    public long CountPending() =>
        Scalar("SELECT COUNT(*) FROM operations WHERE delivered_at IS NULL AND refused_at IS NULL;");

    /// <summary>The oldest operations (at most <paramref name="limit"/>) not yet delivered nor refused, in order, each with how many times it was sent before.</summary>
    public IReadOnlyList<PendingOperation> NextPending(int limit)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT seq, payload, attempts FROM operations WHERE delivered_at IS NULL AND refused_at IS NULL ORDER BY seq LIMIT $limit;";
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            var pending = new List<PendingOperation>();
            while (reader.Read())
            {
                var operation = JsonSerializer.Deserialize<TrackingOperation>(reader.GetString(1), Json)
                                ?? throw new InvalidDataException($"Outbox operation {reader.GetInt64(0)} is empty.");
                pending.Add(new PendingOperation(reader.GetInt64(0), operation, reader.GetInt32(2)));
            }
            return pending;
        }
    }

    /// <summary>Counts an attempt for every pending operation from <paramref name="first"/> to <paramref name="last"/>.</summary>
    public void CountAttempts(long first, long last) =>
        Execute("UPDATE operations SET attempts = attempts + 1 WHERE seq BETWEEN $first AND $last AND delivered_at IS NULL AND refused_at IS NULL;",
            ("$first", first), ("$last", last));

    /// <summary>Marks every pending operation from <paramref name="first"/> to <paramref name="last"/> delivered, in one write.</summary>
    public void MarkDelivered(long first, long last) =>
        Execute("UPDATE operations SET delivered_at = $now WHERE seq BETWEEN $first AND $last AND delivered_at IS NULL AND refused_at IS NULL;",
            ("$first", first), ("$last", last), ("$now", Now()));

    /// <summary>Marks every pending operation from <paramref name="first"/> to <paramref name="last"/> refused for good.</summary>
    public void MarkRefused(long first, long last, string error) =>
        Execute("UPDATE operations SET refused_at = $now, error = $error WHERE seq BETWEEN $first AND $last AND delivered_at IS NULL AND refused_at IS NULL;",
            ("$first", first), ("$last", last), ("$now", Now()), ("$error", error));

    public IReadOnlyList<DeadLetter> Refused()
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT seq, payload, error FROM operations WHERE refused_at IS NOT NULL ORDER BY seq;";
            using var reader = command.ExecuteReader();
            var letters = new List<DeadLetter>();
            while (reader.Read())
                letters.Add(new DeadLetter(reader.GetInt64(0), JsonSerializer.Deserialize<TrackingOperation>(reader.GetString(1), Json)!,
                    reader.IsDBNull(2) ? "" : reader.GetString(2)));
            return letters;
        }
    }

    /// <summary>Whether an earlier create of this key was refused, so operations on the run can never be delivered.</summary>
    public bool CreateWasRefused(string runKey) =>
        Scalar("SELECT COUNT(*) FROM operations WHERE run_key = $key AND refused_at IS NOT NULL AND payload LIKE '{\"op\":\"create_run\"%';",
            ("$key", runKey)) > 0;

    public string? RunId(string runKey)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT run_id FROM run_keys WHERE run_key = $key;";
            command.Parameters.AddWithValue("$key", runKey);
            return command.ExecuteScalar() as string;
        }
    }

    public void RememberRun(string runKey, string runId, string experimentId) =>
        Execute("INSERT OR REPLACE INTO run_keys(run_key, run_id, experiment_id) VALUES ($key, $run, $experiment);",
            ("$key", runKey), ("$run", runId), ("$experiment", experimentId));

    public void Dispose()
    {
        lock (_lock) _connection.Dispose();
    }

    private long Scalar(string sql, params (string Name, object Value)[] parameters)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
            return (long)command.ExecuteScalar()!;
        }
    }

    private void Execute(string sql, params (string Name, object Value)[] parameters)
    {
        lock (_lock) Execute(_connection, sql, parameters);
    }

    private static void Execute(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        command.ExecuteNonQuery();
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}

using Microsoft.Data.Sqlite;

namespace FocusedQuantization.Tracker;

/// <summary>Experiments kept in one SQLite file, so that they survive restarts of the tracker.</summary>
public sealed class SqliteExperimentStore : IDisposable
{
    /// <summary>MLflow creates this experiment, id 0, in every new store; clients fall back to it.</summary>
    public const string DefaultExperimentName = "Default";

    private const int SchemaVersion = 1;
    private const int SqliteConstraintUnique = 2067;

    private readonly string connectionString;
    private readonly string artifactRoot;
    private readonly TimeProvider time;

    /// <summary>Opens the database, creating the file, its folder and the schema if they are missing.</summary>
    /// <exception cref="InvalidDataException">The file is a tracker database of a newer, unknown schema.</exception>
    public SqliteExperimentStore(string databasePath, string artifactRoot, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        ArgumentException.ThrowIfNullOrWhiteSpace(artifactRoot);
        ArgumentNullException.ThrowIfNull(time);
        var fullPath = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
        }.ToString();
        this.artifactRoot = artifactRoot;
        this.time = time;
        CreateSchema();
    }

    /// <summary>Creates an experiment and returns its id.</summary>
    /// <exception cref="MlflowException">RESOURCE_ALREADY_EXISTS when the name is taken.</exception>
    public async Task<string> CreateAsync(
        string name, string? artifactLocation, IReadOnlyList<ExperimentTag> tags, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        long id;
        try
        {
            id = (long)(await ExecuteScalarAsync(transaction,
                """
                INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                VALUES ($name, '', 'active', $now, $now)
                RETURNING experiment_id
                """,
                cancellationToken, ("$name", name), ("$now", now)))!;
        }
        catch (SqliteException e) when (e.SqliteExtendedErrorCode == SqliteConstraintUnique)
        {
            throw MlflowException.ResourceAlreadyExists($"Experiment '{name}' already exists.");
        }

        // The default location names the id, which exists only once the row does.
        var location = artifactLocation ?? Path.Combine(artifactRoot, id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await ExecuteAsync(transaction, "UPDATE experiments SET artifact_location = $location WHERE experiment_id = $id",
            cancellationToken, ("$location", location), ("$id", id));
        foreach (var tag in tags)
        {
            // A key given twice keeps its last value, as setting a tag twice would.
            await ExecuteAsync(transaction,
                "INSERT OR REPLACE INTO experiment_tags (experiment_id, key, value) VALUES ($id, $key, $value)",
                cancellationToken, ("$id", id), ("$key", tag.Key), ("$value", tag.Value));
        }
        await transaction.CommitAsync(cancellationToken);
        return id.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The experiment of that name, or null when there is none.</summary>
    public async Task<Experiment?> FindByNameAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        long id;
        Experiment experiment;
        await using (var command = Command(connection,
                         """
                         SELECT experiment_id, name, artifact_location, lifecycle_stage, last_update_time, creation_time
                         FROM experiments WHERE name = $name
                         """, ("$name", name)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken)) return null;
            id = reader.GetInt64(0);
            experiment = new Experiment(
                id.ToString(System.Globalization.CultureInfo.InvariantCulture), reader.GetString(1), reader.GetString(2),
                reader.GetString(3), reader.GetInt64(4), reader.GetInt64(5), Tags: null);
        }

        var tags = new List<ExperimentTag>();
        await using (var command = Command(connection,
                         "SELECT key, value FROM experiment_tags WHERE experiment_id = $id ORDER BY key", ("$id", id)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) tags.Add(new ExperimentTag(reader.GetString(0), reader.GetString(1)));
        }
        return tags.Count == 0 ? experiment : experiment with { Tags = tags };
    }

    /// <summary>Closes the pooled connections, so that the file is released when the tracker stops.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private void CreateSchema()
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var version = Command(connection, "PRAGMA user_version");
        var existing = Convert.ToInt32(version.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (existing > SchemaVersion)
            throw new InvalidDataException(
                $"The database '{connection.DataSource}' has tracker schema version {existing}, newer than this tracker's " +
                $"{SchemaVersion}; use a newer tracker or another --db file.");

        // WAL lets readers go on while a run logs; the mode cannot change inside a transaction.
        using (var wal = Command(connection, "PRAGMA journal_mode = WAL")) wal.ExecuteNonQuery();
        using var transaction = connection.BeginTransaction();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        using var create = Command(connection,
            $"""
             CREATE TABLE IF NOT EXISTS experiments (
                 experiment_id INTEGER PRIMARY KEY AUTOINCREMENT,
                 name TEXT NOT NULL UNIQUE,
                 artifact_location TEXT NOT NULL,
                 lifecycle_stage TEXT NOT NULL,
                 creation_time INTEGER NOT NULL,
                 last_update_time INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS experiment_tags (
                 experiment_id INTEGER NOT NULL REFERENCES experiments (experiment_id),
                 key TEXT NOT NULL,
                 value TEXT NOT NULL,
                 PRIMARY KEY (experiment_id, key));
             INSERT OR IGNORE INTO experiments
                 (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                 VALUES (0, $defaultName, $defaultLocation, 'active', $now, $now);
             PRAGMA user_version = {SchemaVersion};
             """,
            ("$defaultName", DefaultExperimentName), ("$defaultLocation", Path.Combine(artifactRoot, "0")), ("$now", now));
        create.Transaction = transaction;
        create.ExecuteNonQuery();
        transaction.Commit();
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (parameterName, value) in parameters) command.Parameters.AddWithValue(parameterName, value);
        return command;
    }

    private static async Task<object?> ExecuteScalarAsync(
        SqliteTransaction transaction, string sql, CancellationToken cancellationToken, params (string, object)[] parameters)
    {
        await using var command = Command(transaction.Connection!, sql, parameters);
        command.Transaction = transaction;
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(
        SqliteTransaction transaction, string sql, CancellationToken cancellationToken, params (string, object)[] parameters)
    {
        await using var command = Command(transaction.Connection!, sql, parameters);
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

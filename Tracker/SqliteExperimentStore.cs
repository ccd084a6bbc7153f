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

    /// <summary>The connection string of the database, which the run store shares.</summary>
    internal string ConnectionString => connectionString;
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

    /// <summary>
    /// Soft-deletes an active experiment (lifecycle stage "deleted"); its name stays taken until it is restored or renamed.
    /// </summary>
    /// <exception cref="MlflowException">RESOURCE_DOES_NOT_EXIST for an unknown or already deleted experiment;
    /// INVALID_PARAMETER_VALUE for the Default experiment, which clients fall back to.</exception>
    public async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (id == "0")
            throw MlflowException.InvalidParameterValue(
                "The Default experiment (id 0) cannot be deleted: clients log to it when no experiment is named.");
        await SetStageAsync(id, from: "active", to: "deleted", cancellationToken);
    }

    /// <summary>Restores a deleted experiment to the active stage.</summary>
    /// <exception cref="MlflowException">RESOURCE_DOES_NOT_EXIST for an unknown id or an experiment that is not deleted.</exception>
    public Task RestoreAsync(string id, CancellationToken cancellationToken) =>
        SetStageAsync(id, from: "deleted", to: "active", cancellationToken);

    /// <summary>Renames an active experiment.</summary>
    /// <exception cref="MlflowException">RESOURCE_DOES_NOT_EXIST for an unknown id; INVALID_PARAMETER_VALUE for a
    /// deleted experiment; RESOURCE_ALREADY_EXISTS when another experiment (active or deleted) has the name.</exception>
    public async Task RenameAsync(string id, string newName, CancellationToken cancellationToken)
    {
        var experiment = await FindByIdAsync(id, cancellationToken)
                         ?? throw MlflowException.ResourceDoesNotExist($"No experiment with id '{id}'.");
        // MLflow answers INVALID_STATE (a 500) here; a 400 tells the caller it is their request to change.
        if (experiment.LifecycleStage != "active")
            throw MlflowException.InvalidParameterValue(
                $"Experiment '{id}' is deleted; restore it (experiments/restore) before renaming it.");
        if (experiment.Name == newName) return;
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await ExecuteAsync(transaction,
                "UPDATE experiments SET name = $name, last_update_time = $now WHERE experiment_id = $id",
                cancellationToken, ("$name", newName), ("$now", time.GetUtcNow().ToUnixTimeMilliseconds()),
                ("$id", long.Parse(experiment.ExperimentId, System.Globalization.CultureInfo.InvariantCulture)));
        }
        catch (SqliteException e) when (e.SqliteExtendedErrorCode == SqliteConstraintUnique)
        {
            throw MlflowException.ResourceAlreadyExists(
                $"Experiment '{newName}' already exists (perhaps deleted); choose another name.");
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task SetStageAsync(string id, string from, string to, CancellationToken cancellationToken)
    {
        if (!long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
            throw MlflowException.ResourceDoesNotExist($"No experiment with id '{id}'.");
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = Command(connection,
            """
            UPDATE experiments SET lifecycle_stage = $to, last_update_time = $now
            WHERE experiment_id = $id AND lifecycle_stage = $from
            """,
            ("$to", to), ("$now", time.GetUtcNow().ToUnixTimeMilliseconds()), ("$id", number), ("$from", from));
        command.Transaction = transaction;
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            throw MlflowException.ResourceDoesNotExist(
                $"No {from} experiment with id '{id}': it does not exist or is {to} already.");
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The experiment of that name, or null when there is none.</summary>
    public async Task<Experiment?> FindByNameAsync(string name, CancellationToken cancellationToken) =>
        (await ReadExperimentsAsync("WHERE name = $name", cancellationToken, ("$name", name))).FirstOrDefault();

    /// <summary>The experiment with that id (active or deleted), or null when there is none.</summary>
    public async Task<Experiment?> FindByIdAsync(string id, CancellationToken cancellationToken) =>
        long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? (await ReadExperimentsAsync("WHERE experiment_id = $id", cancellationToken, ("$id", number))).FirstOrDefault()
            : null;

    /// <summary>
    /// One page of the experiments visible under the view type that pass every filter clause, in the given order
    /// (default: newest first), and the token of the next page.
    /// </summary>
    /// <exception cref="MlflowException">INVALID_PARAMETER_VALUE for a clause or order on something experiments lack.</exception>
    public async Task<(IReadOnlyList<Experiment> Page, string? Next)> SearchAsync(
        Func<string, bool> visible, IReadOnlyList<FilterClause> filter, IReadOnlyList<OrderByClause> orderBy,
        int offset, int maxResults, CancellationToken cancellationToken)
    {
        foreach (var clause in filter) ValidateClause(clause);
        var all = await ReadExperimentsAsync("", cancellationToken);
        IEnumerable<Experiment> matching = all.Where(e => visible(e.LifecycleStage) && filter.All(c => Matches(e, c)));
        IOrderedEnumerable<Experiment>? ordered = null;
        foreach (var order in orderBy)
        {
            Func<Experiment, object> key = OrderKey(order);
            ordered = ordered is null
                ? order.Ascending ? matching.OrderBy(key) : matching.OrderByDescending(key)
                : order.Ascending ? ordered.ThenBy(key) : ordered.ThenByDescending(key);
        }
        static long Id(Experiment e) => long.Parse(e.ExperimentId, System.Globalization.CultureInfo.InvariantCulture);
        // Ties on creation time (same millisecond) fall back to the id, which grows with creation.
        var list = (ordered is null
            ? matching.OrderByDescending(e => e.CreationTime).ThenByDescending(Id)
            : ordered.ThenByDescending(e => e.CreationTime).ThenBy(Id)).ToList();
        return PageToken.Slice(list, offset, maxResults);
    }

    private static void ValidateClause(FilterClause clause)
    {
        var ok = clause.Entity switch
        {
            "attributes" => clause.Key switch
            {
                "name" => !clause.IsNumber && clause.Operator is "=" or "!=" or "LIKE" or "ILIKE",
                "creation_time" or "last_update_time" => clause.IsNumber && clause.Operator is not ("LIKE" or "ILIKE"),
                _ => false,
            },
            "tags" => !clause.IsNumber && clause.Operator is "=" or "!=" or "LIKE" or "ILIKE",
            _ => false,
        };
        if (!ok)
            throw MlflowException.InvalidParameterValue(
                $"Experiments cannot be filtered with {clause.Entity}.{clause.Key} {clause.Operator} {clause.Value}; " +
                "use name (=, !=, LIKE, ILIKE with a quoted string), creation_time or last_update_time (numbers), or tags.");
    }

    private static bool Matches(Experiment experiment, FilterClause clause) => (clause.Entity, clause.Key) switch
    {
        ("attributes", "name") => clause.MatchesString(experiment.Name),
        ("attributes", "creation_time") => clause.MatchesNumber(experiment.CreationTime),
        ("attributes", "last_update_time") => clause.MatchesNumber(experiment.LastUpdateTime),
        _ => clause.MatchesString(experiment.Tags?.FirstOrDefault(t => t.Key == clause.Key)?.Value),
    };

    private static Func<Experiment, object> OrderKey(OrderByClause order) => (order.Entity, order.Key) switch
    {
        ("attributes", "name") => e => e.Name,
        ("attributes", "creation_time") => e => e.CreationTime,
        ("attributes", "last_update_time") => e => e.LastUpdateTime,
        ("attributes", "experiment_id") => e => long.Parse(e.ExperimentId, System.Globalization.CultureInfo.InvariantCulture),
        _ => throw MlflowException.InvalidParameterValue(
            $"Experiments cannot be ordered by {order.Entity}.{order.Key}; use name, creation_time, last_update_time or experiment_id."),
    };

    private async Task<List<Experiment>> ReadExperimentsAsync(
        string where, CancellationToken cancellationToken, params (string, object)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var experiments = new List<(long Id, Experiment Experiment)>();
        await using (var command = Command(connection,
                         $"""
                          SELECT experiment_id, name, artifact_location, lifecycle_stage, last_update_time, creation_time
                          FROM experiments {where}
                          """, parameters))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetInt64(0);
                experiments.Add((id, new Experiment(
                    id.ToString(System.Globalization.CultureInfo.InvariantCulture), reader.GetString(1), reader.GetString(2),
                    reader.GetString(3), reader.GetInt64(4), reader.GetInt64(5), Tags: null)));
            }
        }

        var tags = new Dictionary<long, List<ExperimentTag>>();
        await using (var command = Command(connection, "SELECT experiment_id, key, value FROM experiment_tags ORDER BY key"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetInt64(0);
                if (!tags.TryGetValue(id, out var list)) tags[id] = list = [];
                list.Add(new ExperimentTag(reader.GetString(1), reader.GetString(2)));
            }
        }
        return experiments
            .Select(e => tags.TryGetValue(e.Id, out var list) ? e.Experiment with { Tags = list } : e.Experiment)
            .ToList();
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
        // Per connection: in WAL mode NORMAL does not sync on every commit, yet survives a killed process (only a power
        // cut can lose the last commits), as fq's own state and outbox do. FULL made each logged operation wait for a sync.
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous=NORMAL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }
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

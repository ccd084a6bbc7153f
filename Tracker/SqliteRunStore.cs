using System.Globalization;
using Microsoft.Data.Sqlite;
using static FocusedQuantization.Tracker.SqliteCommands;

namespace FocusedQuantization.Tracker;

/// <summary>Runs, their metrics, params and tags, kept in the same SQLite file as the experiments.</summary>
public sealed class SqliteRunStore
{
    /// <summary>The tag MLflow mirrors the run name into.</summary>
    public const string RunNameTag = "mlflow.runName";

    /// <summary>The tag MLflow keeps the user in.</summary>
    public const string UserTag = "mlflow.user";

    private readonly string connectionString;
    private readonly TimeProvider time;

    /// <summary>Uses the database of the experiment store, adding the run tables if they are missing.</summary>
    public SqliteRunStore(SqliteExperimentStore experiments, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        ArgumentNullException.ThrowIfNull(time);
        connectionString = experiments.ConnectionString;
        this.time = time;
        CreateSchema();
    }

    /// <summary>Creates a run in an active experiment; a run name or an mlflow.runName tag names it, else a generated name.</summary>
    /// <exception cref="MlflowException">RESOURCE_DOES_NOT_EXIST for an unknown experiment; INVALID_PARAMETER_VALUE for a deleted one.</exception>
    public async Task<Run> CreateAsync(
        string experimentId, string? runName, long? startTime, string? userId, IReadOnlyList<RunTag> tags,
        CancellationToken cancellationToken)
    {
        var runId = Guid.NewGuid().ToString("N");
        await using (var connection = await OpenAsync(cancellationToken))
        await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken))
        {
            var experiment = long.TryParse(experimentId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1;
            string? location = null;
            string? stage = null;
            await using (var command = Create(transaction,
                             "SELECT artifact_location, lifecycle_stage FROM experiments WHERE experiment_id = $id", ("$id", experiment)))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken)) (location, stage) = (reader.GetString(0), reader.GetString(1));
            }
            if (location is null) throw MlflowException.ResourceDoesNotExist($"No experiment with id '{experimentId}'.");
            if (stage != "active")
                throw MlflowException.InvalidParameterValue($"Experiment '{experimentId}' is deleted; restore it to add runs.");

            var tagged = tags.GroupBy(t => t.Key).ToDictionary(g => g.Key, g => g.Last().Value);
            var name = !string.IsNullOrEmpty(runName) ? runName
                : tagged.TryGetValue(RunNameTag, out var taggedName) && taggedName.Length > 0 ? taggedName
                : "run-" + runId[..8];
            tagged[RunNameTag] = name;
            var user = userId ?? (tagged.TryGetValue(UserTag, out var taggedUser) ? taggedUser : "");
            await ExecuteAsync(transaction,
                """
                INSERT INTO runs (run_id, experiment_id, run_name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage)
                VALUES ($run, $experiment, $name, $user, 'RUNNING', $start, NULL, $uri, 'active')
                """,
                cancellationToken, ("$run", runId), ("$experiment", experiment), ("$name", name), ("$user", user),
                ("$start", startTime ?? Now()), ("$uri", location.TrimEnd('/') + "/" + runId + "/artifacts"));
            foreach (var (key, value) in tagged) await SetTagAsync(transaction, runId, key, value, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return await GetAsync(runId, cancellationToken);
    }

    /// <summary>The run with its latest metric values, params and tags.</summary>
    /// <exception cref="MlflowException">RESOURCE_DOES_NOT_EXIST for an unknown run id.</exception>
    public async Task<Run> GetAsync(string runId, CancellationToken cancellationToken)
    {
        var runs = await ReadRunsAsync("r.run_id = $run", cancellationToken, ("$run", runId));
        return runs.Count == 1 ? runs[0] : throw UnknownRun(runId);
    }

    /// <summary>Changes a run's status, end time and name (each only when given) and returns its metadata.</summary>
    /// <exception cref="MlflowException">RESOURCE_DOES_NOT_EXIST for an unknown run id.</exception>
    public async Task<RunInfo> UpdateAsync(
        string runId, string? status, long? endTime, string? runName, CancellationToken cancellationToken)
    {
        await using (var connection = await OpenAsync(cancellationToken))
        await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken))
        {
            var changed = await ExecuteAsync(transaction,
                """
                UPDATE runs SET status = coalesce($status, status), end_time = coalesce($end, end_time),
                                run_name = coalesce($name, run_name)
                WHERE run_id = $run
                """,
                cancellationToken, ("$status", status), ("$end", endTime), ("$name", runName), ("$run", runId));
            if (changed == 0) throw UnknownRun(runId);
            if (runName is not null) await SetTagAsync(transaction, runId, RunNameTag, runName, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return (await GetAsync(runId, cancellationToken)).Info;
    }

    /// <summary>Soft-deletes or restores a run by setting its lifecycle stage ("deleted" or "active").</summary>
    /// <exception cref="MlflowException">RESOURCE_DOES_NOT_EXIST for an unknown run id.</exception>
    public async Task SetLifecycleStageAsync(string runId, string stage, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var changed = await ExecuteAsync(transaction, "UPDATE runs SET lifecycle_stage = $stage WHERE run_id = $run",
            cancellationToken, ("$stage", stage), ("$run", runId));
        if (changed == 0) throw UnknownRun(runId);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Logs to an active run in one transaction: appends the metric values (skipping exact repeats), writes the params
    /// (write-once) and sets the tags (last write wins), each in request order. Nothing is written when any of it is refused.
    /// </summary>
    /// <exception cref="MlflowException">RESOURCE_DOES_NOT_EXIST for an unknown run; INVALID_PARAMETER_VALUE for a
    /// deleted run, a param key given twice with different values, or a param that already has another value.</exception>
    public async Task LogAsync(
        string runId, IReadOnlyList<Metric> metrics, IReadOnlyList<Param> parameters, IReadOnlyList<RunTag> tags,
        CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await RequireActiveAsync(transaction, runId, cancellationToken);
        if (metrics.Count > 0)
        {
            // SQLite stores NaN as NULL, so NULL reads back as NaN (and IS matches NULL with NULL). A value identical
            // to a stored one (key, value, timestamp, step) is skipped, as MLflow's SQL store does, so that a client
            // may re-send after a crash without doubling its history. One prepared command serves the whole batch.
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO metrics (run_id, key, value, timestamp, step)
                SELECT $run, $key, $value, $timestamp, $step
                WHERE NOT EXISTS (SELECT 1 FROM metrics WHERE run_id = $run AND key = $key AND timestamp = $timestamp
                                                        AND step = $step AND value IS $value)
                """;
            insert.Parameters.AddWithValue("$run", runId);
            var key = insert.Parameters.Add("$key", SqliteType.Text);
            var value = insert.Parameters.Add("$value", SqliteType.Real);
            var timestamp = insert.Parameters.Add("$timestamp", SqliteType.Integer);
            var step = insert.Parameters.Add("$step", SqliteType.Integer);
            insert.Prepare();
            foreach (var metric in metrics)
            {
                key.Value = metric.Key;
                value.Value = double.IsNaN(metric.Value) ? DBNull.Value : metric.Value;
                timestamp.Value = metric.Timestamp;
                step.Value = metric.Step;
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        foreach (var param in parameters)
        {
            var existing = (string?)await ScalarAsync(transaction,
                "SELECT value FROM params WHERE run_id = $run AND key = $key", cancellationToken, ("$run", runId), ("$key", param.Key));
            if (existing is null)
                await ExecuteAsync(transaction, "INSERT INTO params (run_id, key, value) VALUES ($run, $key, $value)",
                    cancellationToken, ("$run", runId), ("$key", param.Key), ("$value", param.Value));
            else if (existing != param.Value)
                throw MlflowException.InvalidParameterValue(
                    $"Param '{param.Key}' of run '{runId}' already has the value '{existing}'; params are written once, " +
                    $"so '{param.Value}' is refused.");
        }
        foreach (var tag in tags)
        {
            await SetTagAsync(transaction, runId, tag.Key, tag.Value, cancellationToken);
            if (tag.Key == RunNameTag)
                await ExecuteAsync(transaction, "UPDATE runs SET run_name = $name WHERE run_id = $run",
                    cancellationToken, ("$name", tag.Value), ("$run", runId));
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Removes a tag from an active run.</summary>
    /// <exception cref="MlflowException">RESOURCE_DOES_NOT_EXIST for an unknown run or tag.</exception>
    public async Task DeleteTagAsync(string runId, string key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await RequireActiveAsync(transaction, runId, cancellationToken);
        var deleted = await ExecuteAsync(transaction, "DELETE FROM tags WHERE run_id = $run AND key = $key",
            cancellationToken, ("$run", runId), ("$key", key));
        if (deleted == 0) throw MlflowException.ResourceDoesNotExist($"Run '{runId}' has no tag '{key}'.");
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>One page of every value logged for a metric, in logging order, and the next page's token.</summary>
    /// <exception cref="MlflowException">RESOURCE_DOES_NOT_EXIST for an unknown run id.</exception>
    public async Task<(IReadOnlyList<Metric> Page, string? Next)> GetMetricHistoryAsync(
        string runId, string key, int offset, int maxResults, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        if (await ScalarAsync(transaction, "SELECT 1 FROM runs WHERE run_id = $run", cancellationToken, ("$run", runId)) is null)
            throw UnknownRun(runId);
        var history = new List<Metric>();
        await using var command = Create(transaction,
            "SELECT key, value, timestamp, step FROM metrics WHERE run_id = $run AND key = $key ORDER BY seq",
            ("$run", runId), ("$key", key));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) history.Add(ReadMetric(reader));
        return PageToken.Slice(history, offset, maxResults);
    }

    /// <summary>
    /// One page of the runs of the given experiments that are visible under the view type and pass every clause, in
    /// the given order (ties and the default: start_time DESC, then run_id), and the next page's token.
    /// </summary>
    /// <exception cref="MlflowException">INVALID_PARAMETER_VALUE for a clause or order runs cannot be searched with.</exception>
    public async Task<(IReadOnlyList<Run> Page, string? Next)> SearchAsync(
        IReadOnlyList<string> experimentIds, Func<string, bool> visible, IReadOnlyList<FilterClause> filter,
        IReadOnlyList<OrderByClause> orderBy, int offset, int maxResults, CancellationToken cancellationToken)
    {
        foreach (var clause in filter) RunSearch.Validate(clause);
        var comparison = RunSearch.Comparison(orderBy);
        var ids = experimentIds
            .Select(id => long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1)
            .Where(n => n >= 0).Distinct().ToList();
        if (ids.Count == 0) return ([], null);
        var inList = string.Join(",", ids.Select(n => n.ToString(CultureInfo.InvariantCulture)));
        var where = $"r.experiment_id IN ({inList})";
        (string, object?)[] parameters = [];
        var tagEqualities = filter.Where(c => c is { Entity: "tags", Operator: "=", IsNumber: false }).ToArray();
        if (tagEqualities.Length > 0)
        {
            // Tag equalities (the outbox's "tags.`fq.key` = '...'" before every run it creates) pick the runs first through
            // the (key, value) index, and only those runs are read: reading every run of an experiment (with its metrics,
            // params and tags) per search made logging a sweep quadratic in its size. Every clause is still checked below.
            var matches = await RunIdsWithTagsAsync(inList, tagEqualities, cancellationToken);
            if (matches.Count == 0) return ([], null);
            where = $"r.run_id IN ({string.Join(",", matches.Select((_, i) => $"$run{i}"))})";
            parameters = [.. matches.Select((id, i) => ($"$run{i}", (object?)id))];
        }
        var runs = await ReadRunsAsync(where, cancellationToken, parameters);
        var matching = runs.Where(r => visible(r.Info.LifecycleStage) && filter.All(c => RunSearch.Matches(r, c))).ToList();
        matching.Sort(comparison);
        return PageToken.Slice(matching, offset, maxResults);
    }

    /// <summary>The runs of the experiments that carry every one of the given tag values (an index seek per clause).</summary>
    private async Task<List<string>> RunIdsWithTagsAsync(string experimentInList, IReadOnlyList<FilterClause> tagEqualities, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var sql = new System.Text.StringBuilder("SELECT t0.run_id FROM tags t0");
        for (var i = 1; i < tagEqualities.Count; i++)
            sql.Append(CultureInfo.InvariantCulture, $" JOIN tags t{i} ON t{i}.run_id = t0.run_id AND t{i}.key = $k{i} AND t{i}.value = $v{i}");
        sql.Append(CultureInfo.InvariantCulture, $" JOIN runs r ON r.run_id = t0.run_id WHERE t0.key = $k0 AND t0.value = $v0 AND r.experiment_id IN ({experimentInList})");
        var parameters = tagEqualities.SelectMany((c, i) => new (string, object?)[] { ($"$k{i}", c.Key), ($"$v{i}", c.Value) }).ToArray();
        var ids = new List<string>();
        await using var command = Create(transaction, sql.ToString(), parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) ids.Add(reader.GetString(0));
        return ids;
    }

    private async Task<List<Run>> ReadRunsAsync(
        string where, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var infos = new List<RunInfo>();
        await using (var command = Create(transaction,
                         $"""
                          SELECT run_id, run_name, experiment_id, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage
                          FROM runs r WHERE {where}
                          """, parameters))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetString(0);
                infos.Add(new RunInfo(id, id, reader.GetString(1), reader.GetInt64(2).ToString(CultureInfo.InvariantCulture),
                    reader.GetString(3), reader.GetString(4), reader.GetInt64(5), reader.IsDBNull(6) ? null : reader.GetInt64(6),
                    reader.GetString(7), reader.GetString(8)));
            }
        }

        var metrics = new Dictionary<string, List<Metric>>();
        await using (var command = Create(transaction,
                         $"SELECT m.run_id, m.key, m.value, m.timestamp, m.step FROM metrics m JOIN runs r ON r.run_id = m.run_id WHERE {where}",
                         parameters))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetString(0);
                if (!metrics.TryGetValue(id, out var list)) metrics[id] = list = [];
                list.Add(new Metric(reader.GetString(1), reader.IsDBNull(2) ? double.NaN : reader.GetDouble(2),
                    reader.GetInt64(3), reader.GetInt64(4)));
            }
        }
        var parameterValues = await ReadPairsAsync(transaction, "params", where, parameters, cancellationToken);
        var tags = await ReadPairsAsync(transaction, "tags", where, parameters, cancellationToken);
        return infos.Select(info => new Run(info, new RunData(
            metrics.TryGetValue(info.RunId, out var m) ? Latest(m) : null,
            parameterValues.TryGetValue(info.RunId, out var p) ? p.Select(kv => new Param(kv.Key, kv.Value)).ToList() : null,
            tags.TryGetValue(info.RunId, out var t) ? t.Select(kv => new RunTag(kv.Key, kv.Value)).ToList() : null))).ToList();
    }

    private static List<Metric> Latest(List<Metric> values) =>
        // The latest value of a key is the one with the greatest timestamp; ties go to the greater step, then value.
        values.GroupBy(m => m.Key)
            .Select(g => g.OrderByDescending(m => m.Timestamp).ThenByDescending(m => m.Step).ThenByDescending(m => m.Value).First())
            .OrderBy(m => m.Key, StringComparer.Ordinal).ToList();

    private static async Task<Dictionary<string, List<KeyValuePair<string, string>>>> ReadPairsAsync(
        SqliteTransaction transaction, string table, string where, (string, object?)[] parameters, CancellationToken cancellationToken)
    {
        var pairs = new Dictionary<string, List<KeyValuePair<string, string>>>();
        await using var command = Create(transaction,
            $"SELECT x.run_id, x.key, x.value FROM {table} x JOIN runs r ON r.run_id = x.run_id WHERE {where} ORDER BY x.key",
            parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetString(0);
            if (!pairs.TryGetValue(id, out var list)) pairs[id] = list = [];
            list.Add(new(reader.GetString(1), reader.GetString(2)));
        }
        return pairs;
    }

    private static Metric ReadMetric(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.IsDBNull(1) ? double.NaN : reader.GetDouble(1), reader.GetInt64(2), reader.GetInt64(3));

    private static async Task RequireActiveAsync(SqliteTransaction transaction, string runId, CancellationToken cancellationToken)
    {
        var stage = (string?)await ScalarAsync(transaction, "SELECT lifecycle_stage FROM runs WHERE run_id = $run",
            cancellationToken, ("$run", runId));
        if (stage is null) throw UnknownRun(runId);
        if (stage != "active")
            throw MlflowException.InvalidParameterValue($"Run '{runId}' is deleted; restore it before logging to it.");
    }

    private static Task SetTagAsync(
        SqliteTransaction transaction, string runId, string key, string value, CancellationToken cancellationToken) =>
        ExecuteAsync(transaction, "INSERT OR REPLACE INTO tags (run_id, key, value) VALUES ($run, $key, $value)",
            cancellationToken, ("$run", runId), ("$key", key), ("$value", value));

    private static MlflowException UnknownRun(string runId) =>
        MlflowException.ResourceDoesNotExist($"Run '{runId}' not found.");

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

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

    private void CreateSchema()
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var command = Create(transaction,
            """
            CREATE TABLE IF NOT EXISTS runs (
                run_id TEXT PRIMARY KEY,
                experiment_id INTEGER NOT NULL REFERENCES experiments (experiment_id),
                run_name TEXT NOT NULL,
                user_id TEXT NOT NULL,
                status TEXT NOT NULL,
                start_time INTEGER NOT NULL,
                end_time INTEGER,
                artifact_uri TEXT NOT NULL,
                lifecycle_stage TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS runs_by_experiment ON runs (experiment_id);
            CREATE TABLE IF NOT EXISTS metrics (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id TEXT NOT NULL REFERENCES runs (run_id),
                key TEXT NOT NULL,
                value REAL,
                timestamp INTEGER NOT NULL,
                step INTEGER NOT NULL);
            -- (run, key) lookups use its prefix; the step and timestamp make the duplicate check of a logged metric a seek.
            DROP INDEX IF EXISTS metrics_by_run_key;
            CREATE INDEX IF NOT EXISTS metrics_by_run_key_step ON metrics (run_id, key, step, timestamp);
            CREATE TABLE IF NOT EXISTS params (
                run_id TEXT NOT NULL REFERENCES runs (run_id),
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (run_id, key));
            CREATE TABLE IF NOT EXISTS tags (
                run_id TEXT NOT NULL REFERENCES runs (run_id),
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (run_id, key));
            CREATE INDEX IF NOT EXISTS tags_by_key_value ON tags (key, value);
            """);
        command.ExecuteNonQuery();
        transaction.Commit();
    }
}

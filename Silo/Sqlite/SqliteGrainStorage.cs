using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace FocusedQuantization.Silo.Sqlite;

/// <summary>
/// Orleans grain storage in one SQLite file: one row per (service, state name, grain), written only when the caller
/// holds the row's current ETag, so two activations of one grain cannot silently overwrite each other.
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS GrainState (
            ServiceId TEXT NOT NULL,
            StateName TEXT NOT NULL,
            GrainId TEXT NOT NULL,
            ETag TEXT NOT NULL,
            Payload BLOB NOT NULL,
            PRIMARY KEY (ServiceId, StateName, GrainId)
        ) WITHOUT ROWID;
        """;

    private readonly string _name;
    private readonly string _serviceId;
    private readonly SqliteDatabase _database;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activators;

    /// <summary>Creates the storage; the file and its table are created on first use.</summary>
    /// <param name="name">The provider's name, quoted in error messages.</param>
    /// <param name="serviceId">Scopes every row, so services sharing a file never see each other's state.</param>
    /// <param name="options">The file and the serializer.</param>
    /// <param name="defaultSerializer">Used when <paramref name="options"/> names no serializer.</param>
    /// <param name="activators">Makes the empty state a grain sees before anything was written.</param>
    /// <param name="logger">Where a warning about an empty file found in place of the database goes.</param>
    public SqliteGrainStorage(string name, string serviceId, SqliteGrainStorageOptions options,
        IGrainStorageSerializer defaultSerializer, IActivatorProvider activators, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.DatabasePath))
            throw new ArgumentException($"Grain storage '{name}': the SQLite database path is empty.", nameof(options));
        _name = name;
        _serviceId = serviceId;
        _database = new SqliteDatabase(options.DatabasePath, Schema, logger);
        _serializer = options.GrainStorageSerializer ?? defaultSerializer;
        _activators = activators;
    }

    /// <summary>Full path of the database file.</summary>
    public string DatabasePath => _database.FullPath;

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await _database.OpenAsync();
        await using var command = Command(connection, "SELECT ETag, Payload FROM GrainState WHERE ServiceId = $s AND StateName = $n AND GrainId = $g",
            stateName, grainId);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            grainState.State = NewState<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }
        var etag = reader.GetString(0);
        var payload = (byte[])reader.GetValue(1);
        try
        {
            grainState.State = _serializer.Deserialize<T>(new BinaryData(payload));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Most likely written by another version of fq whose records had other field types (e.g. text where enums are now).
            throw new InvalidDataException(
                $"{DatabasePath} holds state '{stateName}' of {grainId} that this version of fq cannot read ({ex.GetType().Name}: {ex.Message.Split('\n')[0]}); " +
                "it was probably written by another version. Move the file aside (or use another FQ_HOME) to start with empty state.", ex);
        }
        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    /// <exception cref="InconsistentStateException">The stored row's ETag is not the one <paramref name="grainState"/> holds.</exception>
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = _serializer.Serialize(grainState.State).ToArray();
        var newEtag = NewEtag();
        await using var connection = await _database.OpenAsync();
        // No ETag means the caller believes there is no row: insert, and a row already there is a conflict.
        var sql = grainState.ETag is null
            ? "INSERT INTO GrainState (ServiceId, StateName, GrainId, ETag, Payload) VALUES ($s, $n, $g, $new, $p) ON CONFLICT DO NOTHING"
            : "UPDATE GrainState SET ETag = $new, Payload = $p WHERE ServiceId = $s AND StateName = $n AND GrainId = $g AND ETag = $old";
        await using var command = Command(connection, sql, stateName, grainId);
        command.Parameters.AddWithValue("$new", newEtag);
        command.Parameters.AddWithValue("$p", payload);
        command.Parameters.AddWithValue("$old", (object?)grainState.ETag ?? DBNull.Value);
        if (await command.ExecuteNonQueryAsync() != 1)
            throw await ConflictAsync(connection, "write", stateName, grainId, grainState.ETag);
        grainState.ETag = newEtag;
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    /// <exception cref="InconsistentStateException">The stored row's ETag is not the one <paramref name="grainState"/> holds.</exception>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await _database.OpenAsync();
        if (grainState.ETag is null)
        {
            // Clearing what the caller never read is fine only if nothing is there.
            if (await CurrentEtagAsync(connection, stateName, grainId) is not null)
                throw await ConflictAsync(connection, "clear", stateName, grainId, null);
        }
        else
        {
            await using var command = Command(connection,
                "DELETE FROM GrainState WHERE ServiceId = $s AND StateName = $n AND GrainId = $g AND ETag = $old", stateName, grainId);
            command.Parameters.AddWithValue("$old", grainState.ETag);
            if (await command.ExecuteNonQueryAsync() != 1)
                throw await ConflictAsync(connection, "clear", stateName, grainId, grainState.ETag);
        }
        grainState.State = NewState<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private SqliteCommand Command(SqliteConnection connection, string sql, string stateName, GrainId grainId)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$s", _serviceId);
        command.Parameters.AddWithValue("$n", stateName);
        command.Parameters.AddWithValue("$g", grainId.ToString());
        return command;
    }

    private async Task<string?> CurrentEtagAsync(SqliteConnection connection, string stateName, GrainId grainId)
    {
        await using var command = Command(connection, "SELECT ETag FROM GrainState WHERE ServiceId = $s AND StateName = $n AND GrainId = $g",
            stateName, grainId);
        return await command.ExecuteScalarAsync() as string;
    }

    private async Task<InconsistentStateException> ConflictAsync(SqliteConnection connection, string operation, string stateName,
        GrainId grainId, string? expected)
    {
        var current = await CurrentEtagAsync(connection, stateName, grainId);
        return new InconsistentStateException(
            $"Grain storage '{_name}': cannot {operation} state '{stateName}' of {grainId}: it holds ETag '{expected ?? "(none)"}' " +
            $"but the stored ETag is '{current ?? "(no row)"}'; another activation changed it. Re-read the state before writing.",
            current ?? "", expected ?? "");
    }

    private T NewState<T>() => _activators.GetActivator<T>().Create();

    private static string NewEtag() => Guid.NewGuid().ToString("N");
}

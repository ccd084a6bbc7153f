using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace FocusedQuantization.Silo.Sqlite;

/// <summary>
/// Orleans reminder table in a SQLite file, so reminders outlive the process: after a restart the reminder service
/// reads them back and fires them again.
/// </summary>
public sealed class SqliteReminderTable : IReminderTable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS Reminders (
            ServiceId TEXT NOT NULL,
            GrainId TEXT NOT NULL,
            ReminderName TEXT NOT NULL,
            GrainHash INTEGER NOT NULL,
            StartAtTicks INTEGER NOT NULL,
            PeriodTicks INTEGER NOT NULL,
            ETag TEXT NOT NULL,
            PRIMARY KEY (ServiceId, GrainId, ReminderName)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS RemindersByHash ON Reminders (ServiceId, GrainHash);
        """;

    private const string Columns = "GrainId, ReminderName, StartAtTicks, PeriodTicks, ETag";

    private readonly string _serviceId;
    private readonly SqliteDatabase _database;

    /// <summary>Creates the table's accessor; the file and its table are created on first use.</summary>
    /// <param name="serviceId">Scopes every row, so services sharing a file never see each other's reminders.</param>
    /// <param name="options">The file.</param>
    /// <param name="logger">Where a warning about an empty file found in place of the database goes.</param>
    public SqliteReminderTable(string serviceId, SqliteReminderTableOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.DatabasePath))
            throw new ArgumentException("The SQLite reminder table's database path is empty.", nameof(options));
        _serviceId = serviceId;
        _database = new SqliteDatabase(options.DatabasePath, Schema, logger);
    }

    /// <summary>Full path of the database file.</summary>
    public string DatabasePath => _database.FullPath;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken = default) =>
        await (await _database.OpenAsync(cancellationToken)).DisposeAsync();

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    [Obsolete("Implement and use StartAsync instead")]
    public Task Init() => StartAsync();

    /// <inheritdoc />
    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName)
    {
        var rows = await QueryAsync($"SELECT {Columns} FROM Reminders WHERE ServiceId = $s AND GrainId = $g AND ReminderName = $r",
            ("$g", grainId.ToString()), ("$r", reminderName));
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public async Task<ReminderTableData> ReadRows(GrainId grainId) =>
        new(await QueryAsync($"SELECT {Columns} FROM Reminders WHERE ServiceId = $s AND GrainId = $g", ("$g", grainId.ToString())));

    /// <summary>Reads the reminders whose grain hash lies in the ring range (begin, end], wrapping past uint.MaxValue when begin >= end.</summary>
    public async Task<ReminderTableData> ReadRows(uint begin, uint end)
    {
        // Orleans' ring ranges exclude begin and include end; begin >= end is a range that wraps around zero
        // (begin == end is the whole ring).
        var condition = begin < end ? "GrainHash > $b AND GrainHash <= $e" : "(GrainHash > $b OR GrainHash <= $e)";
        return new(await QueryAsync($"SELECT {Columns} FROM Reminders WHERE ServiceId = $s AND {condition}",
            ("$b", (long)begin), ("$e", (long)end)));
    }

    /// <inheritdoc />
    public async Task<string?> UpsertRow(ReminderEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var etag = Guid.NewGuid().ToString("N");
        await using var connection = await _database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO Reminders (ServiceId, GrainId, ReminderName, GrainHash, StartAtTicks, PeriodTicks, ETag)
            VALUES ($s, $g, $r, $h, $start, $period, $etag)
            ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE SET
                GrainHash = excluded.GrainHash, StartAtTicks = excluded.StartAtTicks,
                PeriodTicks = excluded.PeriodTicks, ETag = excluded.ETag
            """;
        command.Parameters.AddWithValue("$s", _serviceId);
        command.Parameters.AddWithValue("$g", entry.GrainId.ToString());
        command.Parameters.AddWithValue("$r", entry.ReminderName);
        command.Parameters.AddWithValue("$h", (long)entry.GrainId.GetUniformHashCode());
        command.Parameters.AddWithValue("$start", entry.StartAt.ToUniversalTime().Ticks);
        command.Parameters.AddWithValue("$period", entry.Period.Ticks);
        command.Parameters.AddWithValue("$etag", etag);
        await command.ExecuteNonQueryAsync();
        return etag;
    }

    /// <inheritdoc />
    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        await using var connection = await _database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM Reminders WHERE ServiceId = $s AND GrainId = $g AND ReminderName = $r AND ETag = $etag";
        command.Parameters.AddWithValue("$s", _serviceId);
        command.Parameters.AddWithValue("$g", grainId.ToString());
        command.Parameters.AddWithValue("$r", reminderName);
        command.Parameters.AddWithValue("$etag", eTag);
        return await command.ExecuteNonQueryAsync() == 1;
    }

    /// <inheritdoc />
    public async Task TestOnlyClearTable()
    {
        await using var connection = await _database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM Reminders WHERE ServiceId = $s";
        command.Parameters.AddWithValue("$s", _serviceId);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<List<ReminderEntry>> QueryAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await _database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$s", _serviceId);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await using var reader = await command.ExecuteReaderAsync();
        var entries = new List<ReminderEntry>();
        while (await reader.ReadAsync())
        {
            entries.Add(new ReminderEntry
            {
                GrainId = GrainId.Parse(reader.GetString(0)),
                ReminderName = reader.GetString(1),
                StartAt = new DateTime(reader.GetInt64(2), DateTimeKind.Utc),
                Period = TimeSpan.FromTicks(reader.GetInt64(3)),
                ETag = reader.GetString(4),
            });
        }
        return entries;
    }
}

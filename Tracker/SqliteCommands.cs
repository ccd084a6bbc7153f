using Microsoft.Data.Sqlite;

namespace FocusedQuantization.Tracker;

/// <summary>Small helpers for parameterised SQLite commands inside a transaction.</summary>
internal static class SqliteCommands
{
    public static SqliteCommand Create(SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public static async Task<int> ExecuteAsync(
        SqliteTransaction transaction, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var command = Create(transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<object?> ScalarAsync(
        SqliteTransaction transaction, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var command = Create(transaction, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}

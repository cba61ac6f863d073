using System.Data;
using System.Data.Common;

namespace Orchestrator.Storage.Relational;

/// <summary>Builds parameterized commands and reads columns the same way on every provider.</summary>
/// <remarks>
/// Times are stored as <c>bigint</c> UTC ticks (100 ns since 0001-01-01): exact on both engines, sortable, and free of
/// time-zone conversions. Every parameter gets an explicit <see cref="DbType"/> so PostgreSQL never sees an untyped null.
/// </remarks>
internal static class Sql
{
    public const long TicksPerDay = TimeSpan.TicksPerDay;

    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string text)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // the one funnel of the storage stores: every caller passes a literal or text built from constants (table and column lists, provider lock clauses, fixed parameter names); every value is a bound parameter (reviewed for CA2100, docs/reliability.md)
        command.CommandText = text;
#pragma warning restore CA2100
        return command;
    }

    public static DbParameter Add(this DbCommand command, string name, string? value) => Add(command, name, DbType.String, value);

    public static DbParameter Add(this DbCommand command, string name, long? value) => Add(command, name, DbType.Int64, value);

    public static DbParameter Add(this DbCommand command, string name, int? value) => Add(command, name, DbType.Int32, value);

    public static DbParameter Add(this DbCommand command, string name, DateTimeOffset? value) => Add(command, name, DbType.Int64, value?.UtcTicks);

    public static DbParameter Add(this DbCommand command, string name, DbType type, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    public static DateTimeOffset ToTime(long ticks) => new(ticks, TimeSpan.Zero);

    public static long Int64(this DbDataReader reader, int ordinal) => Convert.ToInt64(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    public static int Int32(this DbDataReader reader, int ordinal) => Convert.ToInt32(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    public static int? NullableInt32(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.Int32(ordinal);

    public static string? NullableString(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static DateTimeOffset Time(this DbDataReader reader, int ordinal) => ToTime(reader.Int64(ordinal));

    public static DateTimeOffset? NullableTime(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : ToTime(reader.Int64(ordinal));

    /// <summary>Builds <c>@prefix0, @prefix1, …</c> and adds one string parameter per value.</summary>
    public static string AddList(this DbCommand command, string prefix, IEnumerable<string> values)
    {
        var names = new List<string>();
        var i = 0;
        foreach (var value in values)
        {
            var name = "@" + prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            command.Add(name, value);
            names.Add(name);
            i++;
        }

        return string.Join(", ", names);
    }

    public static async Task<int> ExecuteAsync(this DbCommand command, CancellationToken cancellationToken)
        => await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

    public static async Task<long?> ScalarInt64Async(this DbCommand command, CancellationToken cancellationToken)
    {
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<List<T>> ListAsync<T>(this DbCommand command, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        var list = new List<T>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(map(reader));
            }
        }

        return list;
    }

    public static async Task<T?> FirstOrDefaultAsync<T>(this DbCommand command, Func<DbDataReader, T> map, CancellationToken cancellationToken)
        where T : class
    {
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? map(reader) : null;
        }
    }
}

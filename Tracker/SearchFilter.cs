namespace FocusedQuantization.Tracker;

/// <summary>Parses MLflow's search filter grammar: comparisons joined by AND, e.g. <c>metrics.cr &gt; 5 AND tags.`a-b` = 'x'</c>.</summary>
public static class SearchFilter
{
    private static readonly string[] Operators = ["!=", "<=", ">=", "=", "<", ">"];

    /// <summary>The clauses of the filter; none when it is null or blank.</summary>
    /// <exception cref="MlflowException">INVALID_PARAMETER_VALUE when the filter does not follow the grammar.</exception>
    public static IReadOnlyList<FilterClause> Parse(string? filter)
    {
        var clauses = new List<FilterClause>();
        if (string.IsNullOrWhiteSpace(filter)) return clauses;
        var position = 0;
        while (true)
        {
            clauses.Add(ParseClause(filter, ref position));
            SkipSpaces(filter, ref position);
            if (position == filter.Length) return clauses;
            if (!TryKeyword(filter, ref position, "AND"))
                throw Invalid(filter, $"expected AND at position {position}");
        }
    }

    private static FilterClause ParseClause(string filter, ref int position)
    {
        SkipSpaces(filter, ref position);
        var (entity, key) = ParseIdentifier(filter, ref position);
        SkipSpaces(filter, ref position);
        var op = ParseOperator(filter, ref position);
        SkipSpaces(filter, ref position);
        var (value, isNumber) = ParseValue(filter, ref position);
        return new FilterClause(entity, key, op, value, isNumber);
    }

    private static (string Entity, string Key) ParseIdentifier(string filter, ref int position)
    {
        var first = ParseName(filter, ref position, allowDots: false);
        if (position < filter.Length && filter[position] == '.')
        {
            position++;
            var key = ParseName(filter, ref position, allowDots: true);
            return (NormalizeEntity(filter, first), key);
        }
        // A bare name is an attribute, as MLflow reads "name" or "status".
        return ("attributes", first);
    }

    private static string NormalizeEntity(string filter, string entity) => entity.ToLowerInvariant() switch
    {
        "metric" or "metrics" => "metrics",
        "param" or "params" or "parameter" or "parameters" => "params",
        "tag" or "tags" => "tags",
        "attribute" or "attributes" or "attr" or "run" => "attributes",
        _ => throw Invalid(filter, $"'{entity}' is not metrics, params, tags or attributes"),
    };

    private static string ParseName(string filter, ref int position, bool allowDots)
    {
        if (position < filter.Length && filter[position] is '`' or '"')
        {
            var quote = filter[position];
            var end = filter.IndexOf(quote, position + 1);
            if (end < 0) throw Invalid(filter, $"the quoted name starting at position {position} is not closed");
            var quoted = filter[(position + 1)..end];
            position = end + 1;
            if (quoted.Length == 0) throw Invalid(filter, "a quoted name is empty");
            return quoted;
        }
        var start = position;
        while (position < filter.Length && (char.IsLetterOrDigit(filter[position]) || filter[position] == '_'
                                            || (allowDots && filter[position] == '.')))
            position++;
        if (position == start) throw Invalid(filter, $"expected a name at position {start}");
        return filter[start..position];
    }

    private static string ParseOperator(string filter, ref int position)
    {
        foreach (var op in Operators)
        {
            if (string.CompareOrdinal(filter, position, op, 0, op.Length) == 0)
            {
                position += op.Length;
                return op;
            }
        }
        if (TryKeyword(filter, ref position, "LIKE")) return "LIKE";
        if (TryKeyword(filter, ref position, "ILIKE")) return "ILIKE";
        throw Invalid(filter, $"expected a comparison operator at position {position}");
    }

    private static (string Value, bool IsNumber) ParseValue(string filter, ref int position)
    {
        if (position < filter.Length && filter[position] is '\'' or '"')
        {
            var quote = filter[position];
            var end = filter.IndexOf(quote, position + 1);
            if (end < 0) throw Invalid(filter, $"the string starting at position {position} is not closed");
            var value = filter[(position + 1)..end];
            position = end + 1;
            return (value, false);
        }
        var start = position;
        while (position < filter.Length && (char.IsAsciiDigit(filter[position]) || filter[position] is '-' or '+' or '.' or 'e' or 'E'))
            position++;
        var number = filter[start..position];
        if (!double.TryParse(number, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
            throw Invalid(filter, $"expected a quoted string or a number at position {start}");
        return (number, true);
    }

    private static bool TryKeyword(string filter, ref int position, string keyword)
    {
        if (string.Compare(filter, position, keyword, 0, keyword.Length, StringComparison.OrdinalIgnoreCase) != 0) return false;
        var after = position + keyword.Length;
        if (after < filter.Length && !char.IsWhiteSpace(filter[after]) && filter[after] is not ('\'' or '"' or '`')) return false;
        position = after;
        return true;
    }

    private static void SkipSpaces(string filter, ref int position)
    {
        while (position < filter.Length && char.IsWhiteSpace(filter[position])) position++;
    }

    private static MlflowException Invalid(string filter, string problem) =>
        MlflowException.InvalidParameterValue($"Invalid filter '{filter}': {problem}.");
}

namespace FocusedQuantization.Tracker;

/// <summary>One order_by entry, e.g. <c>metrics.cr DESC</c>.</summary>
/// <param name="Entity">"metrics", "params", "tags" or "attributes".</param>
/// <param name="Key">The metric, param, tag or attribute name.</param>
/// <param name="Ascending">True for ASC (the default), false for DESC.</param>
public sealed record OrderByClause(string Entity, string Key, bool Ascending)
{
    /// <summary>Parses entries such as "metrics.cr DESC", "attributes.start_time", "name ASC" or "params.`a b`".</summary>
    /// <exception cref="MlflowException">INVALID_PARAMETER_VALUE when an entry cannot be read.</exception>
    public static IReadOnlyList<OrderByClause> ParseAll(IReadOnlyList<string?>? entries)
    {
        var clauses = new List<OrderByClause>();
        foreach (var entry in entries ?? [])
        {
            if (string.IsNullOrWhiteSpace(entry))
                throw MlflowException.InvalidParameterValue("An order_by entry is empty.");
            var text = entry.Trim();
            var ascending = true;
            if (text.EndsWith(" DESC", StringComparison.OrdinalIgnoreCase)) { ascending = false; text = text[..^5].TrimEnd(); }
            else if (text.EndsWith(" ASC", StringComparison.OrdinalIgnoreCase)) text = text[..^4].TrimEnd();
            // Reuse the filter grammar's identifier rules by parsing a dummy comparison.
            IReadOnlyList<FilterClause> parsed;
            try
            {
                parsed = SearchFilter.Parse(text + " = 0");
            }
            catch (MlflowException)
            {
                throw MlflowException.InvalidParameterValue($"Invalid order_by entry '{entry}'.");
            }
            if (parsed.Count != 1) throw MlflowException.InvalidParameterValue($"Invalid order_by entry '{entry}'.");
            clauses.Add(new OrderByClause(parsed[0].Entity, parsed[0].Key, ascending));
        }
        return clauses;
    }
}

using System.Globalization;

namespace FocusedQuantization.Tracker;

/// <summary>One comparison of a search filter, e.g. <c>metrics.cr &gt;= 10</c>.</summary>
/// <param name="Entity">"metrics", "params", "tags" or "attributes".</param>
/// <param name="Key">The metric, param, tag or attribute name.</param>
/// <param name="Operator">=, !=, &lt;, &lt;=, &gt;, &gt;=, LIKE or ILIKE (upper case).</param>
/// <param name="Value">The constant compared against, as written.</param>
/// <param name="IsNumber">Whether the constant was a number rather than a quoted string.</param>
public sealed record FilterClause(string Entity, string Key, string Operator, string Value, bool IsNumber)
{
    /// <summary>The constant as a double; only meaningful when <see cref="IsNumber"/>.</summary>
    public double Number => double.Parse(Value, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>Whether a string value satisfies this clause (string operators only: =, !=, LIKE, ILIKE).</summary>
    public bool MatchesString(string? actual) => actual is not null && Operator switch
    {
        "=" => actual == Value,
        "!=" => actual != Value,
        "LIKE" => LikePattern.IsMatch(actual, Value, ignoreCase: false),
        "ILIKE" => LikePattern.IsMatch(actual, Value, ignoreCase: true),
        _ => false,
    };

    /// <summary>Whether a number satisfies this clause (numeric operators only).</summary>
    public bool MatchesNumber(double? actual) => actual is { } a && Operator switch
    {
        "=" => a == Number,
        "!=" => a != Number,
        "<" => a < Number,
        "<=" => a <= Number,
        ">" => a > Number,
        ">=" => a >= Number,
        _ => false,
    };
}

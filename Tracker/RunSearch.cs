using System.Globalization;

namespace FocusedQuantization.Tracker;

/// <summary>How runs/search applies filter clauses and order_by entries to runs.</summary>
public static class RunSearch
{
    private static readonly string[] StringAttributes = ["run_id", "run_name", "status", "artifact_uri", "user_id", "lifecycle_stage"];
    private static readonly string[] NumberAttributes = ["start_time", "end_time", "created"];

    /// <summary>Checks that a clause compares something runs have with an operator and constant that fit it.</summary>
    /// <exception cref="MlflowException">INVALID_PARAMETER_VALUE otherwise.</exception>
    public static void Validate(FilterClause clause)
    {
        var numeric = clause.Entity == "metrics" || (clause.Entity == "attributes" && NumberAttributes.Contains(clause.Key));
        if (clause.Entity == "attributes" && !numeric && !StringAttributes.Contains(clause.Key))
            throw MlflowException.InvalidParameterValue(
                $"Unknown run attribute '{clause.Key}'; use one of {string.Join(", ", StringAttributes.Concat(NumberAttributes))}.");
        if (numeric && (!clause.IsNumber || clause.Operator is "LIKE" or "ILIKE"))
            throw MlflowException.InvalidParameterValue(
                $"{clause.Entity}.{clause.Key} is numeric: compare it with =, !=, <, <=, >, >= and a number, not {clause.Operator} {clause.Value}.");
        if (!numeric && (clause.IsNumber || clause.Operator is not ("=" or "!=" or "LIKE" or "ILIKE")))
            throw MlflowException.InvalidParameterValue(
                $"{clause.Entity}.{clause.Key} is a string: compare it with =, !=, LIKE or ILIKE and a quoted string, not {clause.Operator} {clause.Value}.");
    }

    /// <summary>Whether a run passes a validated clause; a run lacking the metric, param or tag does not.</summary>
    public static bool Matches(Run run, FilterClause clause) => clause.Entity switch
    {
        "metrics" => clause.MatchesNumber(run.Data.Metrics?.FirstOrDefault(m => m.Key == clause.Key)?.Value),
        "params" => clause.MatchesString(run.Data.Params?.FirstOrDefault(p => p.Key == clause.Key)?.Value),
        "tags" => clause.MatchesString(run.Data.Tags?.FirstOrDefault(t => t.Key == clause.Key)?.Value),
        _ when NumberAttributes.Contains(clause.Key) => clause.MatchesNumber(NumberAttribute(run.Info, clause.Key)),
        _ => clause.MatchesString(StringAttribute(run.Info, clause.Key)),
    };

    /// <summary>
    /// The order of runs: the entries in turn (runs lacking a key last, in either direction), then start_time DESC,
    /// then run_id.
    /// </summary>
    /// <exception cref="MlflowException">INVALID_PARAMETER_VALUE for an unknown attribute.</exception>
    public static Comparison<Run> Comparison(IReadOnlyList<OrderByClause> orderBy)
    {
        var keys = orderBy.Select(order => (Key: SortKey(order), order.Ascending)).ToList();
        keys.Add((r => r.Info.StartTime, false));
        keys.Add((r => r.Info.RunId, true));
        return (a, b) =>
        {
            foreach (var (key, ascending) in keys)
            {
                var (x, y) = (key(a), key(b));
                if (x is null && y is null) continue;
                if (x is null) return 1;
                if (y is null) return -1;
                var c = x is string sx ? string.CompareOrdinal(sx, (string)y) : x.CompareTo(y);
                if (c != 0) return ascending ? c : -c;
            }
            return 0;
        };
    }

    private static Func<Run, IComparable?> SortKey(OrderByClause order) => order.Entity switch
    {
        "metrics" => r => r.Data.Metrics?.FirstOrDefault(m => m.Key == order.Key)?.Value,
        "params" => r => r.Data.Params?.FirstOrDefault(p => p.Key == order.Key)?.Value,
        "tags" => r => r.Data.Tags?.FirstOrDefault(t => t.Key == order.Key)?.Value,
        _ when NumberAttributes.Contains(order.Key) => r => NumberAttribute(r.Info, order.Key),
        _ when StringAttributes.Contains(order.Key) => r => StringAttribute(r.Info, order.Key),
        _ => throw MlflowException.InvalidParameterValue(
            $"Runs cannot be ordered by attribute '{order.Key}'; use one of {string.Join(", ", StringAttributes.Concat(NumberAttributes))}."),
    };

    private static double? NumberAttribute(RunInfo info, string key) => key switch
    {
        "end_time" => info.EndTime,
        _ => info.StartTime,
    };

    private static string StringAttribute(RunInfo info, string key) => key switch
    {
        "run_id" => info.RunId,
        "run_name" => info.RunName,
        "status" => info.Status,
        "artifact_uri" => info.ArtifactUri,
        "user_id" => info.UserId,
        _ => info.LifecycleStage,
    };
}

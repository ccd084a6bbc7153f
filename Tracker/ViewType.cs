namespace FocusedQuantization.Tracker;

/// <summary>MLflow's ViewType: which lifecycle stages a search returns.</summary>
public static class ViewType
{
    /// <summary>Whether an entity in the given lifecycle stage is visible under the view type (null means ACTIVE_ONLY).</summary>
    /// <exception cref="MlflowException">INVALID_PARAMETER_VALUE for an unknown view type.</exception>
    public static Func<string, bool> Parse(string? viewType) => (viewType ?? "ACTIVE_ONLY") switch
    {
        "ACTIVE_ONLY" or "" => stage => stage == "active",
        "DELETED_ONLY" => stage => stage == "deleted",
        "ALL" => _ => true,
        _ => throw MlflowException.InvalidParameterValue(
            $"Unknown view type '{viewType}'; use ACTIVE_ONLY, DELETED_ONLY or ALL."),
    };
}

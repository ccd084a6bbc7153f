namespace FocusedQuantization.Tracker;

/// <summary>MLflow's RunStatus names.</summary>
public static class RunStatus
{
    /// <summary>The status of a new run.</summary>
    public const string Running = "RUNNING";

    private static readonly string[] Names = [Running, "SCHEDULED", "FINISHED", "FAILED", "KILLED"];

    /// <summary>Checks a status name and returns it.</summary>
    /// <exception cref="MlflowException">INVALID_PARAMETER_VALUE for anything but RUNNING, SCHEDULED, FINISHED, FAILED, KILLED.</exception>
    public static string Parse(string status) =>
        Names.Contains(status)
            ? status
            : throw MlflowException.InvalidParameterValue(
                $"Unknown run status '{status}'; use one of {string.Join(", ", Names)}.");
}

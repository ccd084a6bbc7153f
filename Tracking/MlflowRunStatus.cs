namespace FocusedQuantization.Tracking;

/// <summary>An MLflow run's status; travels as its upper-case name, e.g. "FINISHED".</summary>
public enum MlflowRunStatus
{
    /// <summary>The run is going on.</summary>
    Running = 1,

    /// <summary>The run is queued.</summary>
    Scheduled = 2,

    /// <summary>The run ended well.</summary>
    Finished = 3,

    /// <summary>The run ended with an error.</summary>
    Failed = 4,

    /// <summary>The run was stopped.</summary>
    Killed = 5,
}

using System.Diagnostics;

namespace FocusedQuantization.Telemetry;

/// <summary>Small helpers for the product's spans.</summary>
public static class ActivityExtensions
{
    /// <summary>Marks the span failed: status Error with the message, and an exception event.</summary>
    public static Activity? RecordFailure(this Activity? activity, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (activity is null) return null;
        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.AddException(exception);
        return activity;
    }

    /// <summary>Marks the span failed with a message only (an outcome reported rather than thrown).</summary>
    public static Activity? RecordFailure(this Activity? activity, string message)
    {
        activity?.SetStatus(ActivityStatusCode.Error, message);
        return activity;
    }
}

namespace FocusedQuantization.Tracker;

/// <summary>MLflow's error body.</summary>
/// <param name="ErrorCode">MLflow's error code, e.g. RESOURCE_DOES_NOT_EXIST.</param>
/// <param name="Message">What went wrong.</param>
public sealed record ErrorResponse(string ErrorCode, string Message);

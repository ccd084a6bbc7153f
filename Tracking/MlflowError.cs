namespace FocusedQuantization.Tracking;

/// <summary>MLflow's error body, {error_code, message}.</summary>
/// <param name="ErrorCode">MLflow's error code, e.g. RESOURCE_ALREADY_EXISTS.</param>
/// <param name="Message">What went wrong.</param>
public sealed record MlflowError(string ErrorCode, string? Message);

namespace FocusedQuantization.Tracker;

/// <summary>A request the tracker refuses, reported to the caller the way MLflow reports it.</summary>
/// <param name="errorCode">MLflow's error code, e.g. RESOURCE_ALREADY_EXISTS.</param>
/// <param name="statusCode">The HTTP status MLflow uses for that code.</param>
/// <param name="message">What went wrong, for the user.</param>
public sealed class MlflowException(string errorCode, int statusCode, string message) : Exception(message)
{
    /// <summary>MLflow's error code.</summary>
    public string ErrorCode { get; } = errorCode;

    /// <summary>The HTTP status of the error response.</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>A parameter is missing or has a value the endpoint does not accept (HTTP 400).</summary>
    public static MlflowException InvalidParameterValue(string message) =>
        new("INVALID_PARAMETER_VALUE", StatusCodes.Status400BadRequest, message);

    /// <summary>The resource to create exists already; MLflow answers 400 here, not 409.</summary>
    public static MlflowException ResourceAlreadyExists(string message) =>
        new("RESOURCE_ALREADY_EXISTS", StatusCodes.Status400BadRequest, message);

    /// <summary>The resource asked for does not exist (HTTP 404).</summary>
    public static MlflowException ResourceDoesNotExist(string message) =>
        new("RESOURCE_DOES_NOT_EXIST", StatusCodes.Status404NotFound, message);

    /// <summary>The request lacks the credentials the tracker asks for (HTTP 401).</summary>
    public static MlflowException Unauthenticated(string message) =>
        new("UNAUTHENTICATED", StatusCodes.Status401Unauthorized, message);

    /// <summary>No endpoint answers to the path (HTTP 404).</summary>
    public static MlflowException EndpointNotFound(string message) =>
        new("ENDPOINT_NOT_FOUND", StatusCodes.Status404NotFound, message);

    /// <summary>
    /// The request body is larger than the server reads (HTTP 413). MLflow has no code of its own for this; it refuses
    /// an oversized log-batch with INVALID_PARAMETER_VALUE, and RESOURCE_EXHAUSTED would mean 429, which clients retry,
    /// whereas sending the same body again can only fail again.
    /// </summary>
    public static MlflowException BodyTooLarge(string message) =>
        new("INVALID_PARAMETER_VALUE", StatusCodes.Status413PayloadTooLarge, message);

    /// <summary>The error as MLflow's JSON body, {error_code, message}.</summary>
    public IResult ToResult() => Results.Json(new ErrorResponse(ErrorCode, Message), statusCode: StatusCode);
}

using System.Text.Json;
using Refit;

namespace FocusedQuantization.Tracking;

/// <summary>
/// A call the MLflow server refused, carrying MLflow's error code. It is an <see cref="ApiException"/>, so the HTTP
/// status and the raw body stay at hand; the subclasses name the codes callers act on.
/// </summary>
public class MlflowException : ApiException
{
    /// <summary>Wraps a refused call with the error code and message MLflow (or the HTTP status) gave.</summary>
    /// <param name="source">Refit's description of the refused call.</param>
    /// <param name="errorCode">MLflow's error code, e.g. RESOURCE_DOES_NOT_EXIST.</param>
    /// <param name="mlflowMessage">The server's message, or null when the body was not MLflow's.</param>
    /// <param name="fromMlflowBody">Whether the code came from an MLflow error body rather than from the HTTP status.</param>
    public MlflowException(ApiException source, string errorCode, string? mlflowMessage, bool fromMlflowBody)
        : base(Describe(source, errorCode, mlflowMessage), Require(source).RequestMessage, source.HttpMethod,
            source.Content, source.StatusCode, source.ReasonPhrase, source.Headers, source.RefitSettings)
    {
        ErrorCode = errorCode;
        MlflowMessage = mlflowMessage;
        FromMlflowBody = fromMlflowBody;
    }

    /// <summary>MLflow's error code, e.g. RESOURCE_DOES_NOT_EXIST; inferred from the HTTP status when the body was not MLflow's.</summary>
    public string ErrorCode { get; }

    /// <summary>The server's message, or null when the body was not an MLflow error.</summary>
    public string? MlflowMessage { get; }

    /// <summary>Whether <see cref="ErrorCode"/> came from an MLflow error body (false: a proxy or a bare status answered).</summary>
    public bool FromMlflowBody { get; }

    /// <summary>
    /// The typed exception for a refused call: the code from an MLflow {error_code, message} body, or, when the body
    /// is something else (a proxy's page), the code MLflow uses for that HTTP status.
    /// </summary>
    public static MlflowException From(ApiException source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source is MlflowException already) return already;
        var error = ReadError(source.Content);
        var code = error?.ErrorCode ?? CodeForStatus((int)source.StatusCode);
        var message = error?.Message;
        var fromBody = error is not null;
        return code switch
        {
            "RESOURCE_ALREADY_EXISTS" or "ALREADY_EXISTS" => new ResourceAlreadyExistsException(source, code, message, fromBody),
            "RESOURCE_DOES_NOT_EXIST" or "NOT_FOUND" => new ResourceDoesNotExistException(source, code, message, fromBody),
            "INVALID_PARAMETER_VALUE" or "BAD_REQUEST" => new InvalidParameterValueException(source, code, message, fromBody),
            "ENDPOINT_NOT_FOUND" => new EndpointNotFoundException(source, code, message, fromBody),
            "PERMISSION_DENIED" or "UNAUTHENTICATED" or "CUSTOMER_UNAUTHORIZED" =>
                new PermissionDeniedException(source, code, message, fromBody),
            _ => new MlflowException(source, code, message, fromBody),
        };
    }

    /// <summary>MLflow's error code for an HTTP status, as its Python client infers it when the body is not MLflow's.</summary>
    public static string CodeForStatus(int status) => status switch
    {
        400 => "BAD_REQUEST",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "ENDPOINT_NOT_FOUND",
        409 => "RESOURCE_CONFLICT",
        429 => "REQUEST_LIMIT_EXCEEDED",
        501 => "NOT_IMPLEMENTED",
        503 => "TEMPORARILY_UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        >= 500 and < 600 => "INTERNAL_ERROR",
        _ => $"HTTP_{status}",
    };

    private static MlflowError? ReadError(string? content)
    {
        if (string.IsNullOrWhiteSpace(content)) return null;
        try
        {
            var error = JsonSerializer.Deserialize<MlflowError>(content, MlflowClientFactory.JsonOptions);
            return string.IsNullOrEmpty(error?.ErrorCode) ? null : error;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ApiException Require(ApiException source) =>
        source ?? throw new ArgumentNullException(nameof(source));

    private static string Describe(ApiException source, string errorCode, string? mlflowMessage) =>
        $"MLflow refused {Require(source).HttpMethod} {source.RequestMessage?.RequestUri?.AbsolutePath} with " +
        $"{(int)source.StatusCode} {errorCode}: {mlflowMessage ?? "the answer was not an MLflow error body"}";
}

using Refit;

namespace FocusedQuantization.Tracking;

/// <summary>The server rejected a value in the request (INVALID_PARAMETER_VALUE or BAD_REQUEST), e.g. a bad key, an over-limit batch or a changed param.</summary>
public sealed class InvalidParameterValueException : MlflowException
{
    /// <summary>Wraps a refused call; see <see cref="MlflowException.From"/>.</summary>
    public InvalidParameterValueException(ApiException source, string errorCode, string? mlflowMessage, bool fromMlflowBody)
        : base(source, errorCode, mlflowMessage, fromMlflowBody)
    {
    }
}

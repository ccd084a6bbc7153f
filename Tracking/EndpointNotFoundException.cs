using Refit;

namespace FocusedQuantization.Tracking;

/// <summary>The server does not serve the path (ENDPOINT_NOT_FOUND): not an MLflow 2.x server, or a wrong URI prefix.</summary>
public sealed class EndpointNotFoundException : MlflowException
{
    /// <summary>Wraps a refused call; see <see cref="MlflowException.From"/>.</summary>
    public EndpointNotFoundException(ApiException source, string errorCode, string? mlflowMessage, bool fromMlflowBody)
        : base(source, errorCode, mlflowMessage, fromMlflowBody)
    {
    }
}

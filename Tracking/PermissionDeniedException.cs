using Refit;

namespace FocusedQuantization.Tracking;

/// <summary>The server refused the credentials (PERMISSION_DENIED, UNAUTHENTICATED or CUSTOMER_UNAUTHORIZED).</summary>
public sealed class PermissionDeniedException : MlflowException
{
    /// <summary>Wraps a refused call; see <see cref="MlflowException.From"/>.</summary>
    public PermissionDeniedException(ApiException source, string errorCode, string? mlflowMessage, bool fromMlflowBody)
        : base(source, errorCode, mlflowMessage, fromMlflowBody)
    {
    }
}

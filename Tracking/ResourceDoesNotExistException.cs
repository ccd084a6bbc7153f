using Refit;

namespace FocusedQuantization.Tracking;

/// <summary>The experiment, run or metric asked for does not exist (RESOURCE_DOES_NOT_EXIST or NOT_FOUND).</summary>
public sealed class ResourceDoesNotExistException : MlflowException
{
    /// <summary>Wraps a refused call; see <see cref="MlflowException.From"/>.</summary>
    public ResourceDoesNotExistException(ApiException source, string errorCode, string? mlflowMessage, bool fromMlflowBody)
        : base(source, errorCode, mlflowMessage, fromMlflowBody)
    {
    }
}

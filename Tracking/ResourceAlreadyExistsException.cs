using Refit;

namespace FocusedQuantization.Tracking;

/// <summary>The name or key is taken (RESOURCE_ALREADY_EXISTS, or ALREADY_EXISTS on servers that remap it); for a get-or-create, read the existing one.</summary>
public sealed class ResourceAlreadyExistsException : MlflowException
{
    /// <summary>Wraps a refused call; see <see cref="MlflowException.From"/>.</summary>
    public ResourceAlreadyExistsException(ApiException source, string errorCode, string? mlflowMessage, bool fromMlflowBody)
        : base(source, errorCode, mlflowMessage, fromMlflowBody)
    {
    }
}

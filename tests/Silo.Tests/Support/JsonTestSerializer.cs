using Orleans.Storage;

namespace FocusedQuantization.Silo.Tests.Support;

/// <summary>A plain System.Text.Json storage serializer, so storage tests need no silo.</summary>
public sealed class JsonTestSerializer : IGrainStorageSerializer
{
    public BinaryData Serialize<T>(T? input) => BinaryData.FromObjectAsJson(input);

    public T Deserialize<T>(BinaryData input) => input.ToObjectFromJson<T>()!;
}
